// Entry point of `npm run bench:quality`: times the exact quality figures (kNN accuracy in the input and the layout,
// trustworthiness) of a 2,000- and a 10,000-point layout on 1 and 2 threads, and the pair figures of one layer × epoch.
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { listSources, loadProbeMatrix, probeDigits } from "../../lib/features/projection/sources";
import { mnistDir } from "../../lib/mnist/dataset";
import { loadIdxImages, loadIdxLabels } from "../../lib/mnist/idx";
import { IMAGE_PIXELS } from "../../lib/core/constants";
import { readEnv } from "../../lib/env";
import { openDatabase } from "../../lib/db/client";
import { getLastTestEmbedding } from "../../lib/db/embeddings";
import { getPool } from "../../lib/numeric/parallel";
import { knnAccuracy, layoutQuality } from "../../lib/numeric/tsne/quality";
import { pca2d } from "../../lib/numeric/tsne/pca";
import { allPairSeparations, SEPARATION_K } from "../../lib/numeric/pairs/separation";
import type { Matrix } from "../../lib/numeric/tsne/matrix";

const USAGE = `usage: npm run bench:quality -- [--run ID] [--repeats R] [--skip-10k]
  --run       run ID (from DATABASE_URL): its last hidden layer, the 10,000 test digits and the 2,000 probe digits at
              its last epoch; without it, MNIST test pixels (784 columns)
  --repeats   runs of each 2,000-point figure, median reported (default 3; the 10,000-point ones run twice)
  --skip-10k  time only the 2,000-point figures and the pair figures`;

const argsSchema = z.object({
  run: z.coerce.number().int().positive().optional(),
  repeats: z.coerce.number().int().min(1).max(20).default(3),
  skip10k: z.boolean().default(false),
});

interface Input {
  what: string;
  matrix: Matrix;
  labels: Uint8Array;
}

/** The 10,000 and 2,000 inputs: a run's last hidden layer (test digits; probe digits at the last epoch), or pixels. */
async function loadInputs(runId: number | undefined): Promise<{ large: Input; small: Input }> {
  const testLabels = loadIdxLabels(path.join(mnistDir(), "t10k-labels-idx1-ubyte"));
  if (runId === undefined) {
    const images = loadIdxImages(path.join(mnistDir(), "t10k-images-idx3-ubyte"));
    const data = Float32Array.from(images.pixels.subarray(0, 10_000 * IMAGE_PIXELS), (v) => v / 255);
    const large = { data, rows: 10_000, cols: IMAGE_PIXELS };
    const small = { data: data.subarray(0, 2000 * IMAGE_PIXELS), rows: 2000, cols: IMAGE_PIXELS };
    return {
      large: { what: "MNIST test pixels", matrix: large, labels: testLabels.slice(0, 10_000) },
      small: { what: "first 2,000 MNIST test pixels", matrix: small, labels: testLabels.slice(0, 2000) },
    };
  }
  const db = openDatabase(readEnv().DATABASE_URL);
  try {
    const test = await getLastTestEmbedding(db, runId);
    if (!test) throw new Error(`run ${runId} has no test-set embedding in ${readEnv().DATABASE_URL}`);
    const { labels } = await probeDigits(db, runId);
    const probe = (await listSources(db, runId))
      .filter((s) => s.subset === "probe" && s.layerName === test.layerName)
      .sort((a, b) => b.epoch - a.epoch)[0];
    if (!probe) throw new Error(`run ${runId} has no probe embedding of ${test.layerName}`);
    return {
      large: {
        what: `run ${runId} ${test.layerName}, test digits`,
        matrix: { data: test.data, rows: test.rows, cols: test.cols },
        labels: testLabels.slice(0, test.rows),
      },
      small: {
        what: `run ${runId} ${test.layerName}, probe digits at epoch ${probe.epoch}`,
        matrix: await loadProbeMatrix(db, runId, probe, labels.length),
        labels,
      },
    };
  } finally {
    await db.close();
  }
}

/** Median wall and CPU seconds (this process, every thread) of `repeats` calls. */
function time<T>(repeats: number, fn: () => T): { wall: number; cpu: number; result: T } {
  const walls: number[] = [];
  const cpus: number[] = [];
  let result: T | undefined;
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    result = fn();
    const used = process.cpuUsage(cpu);
    walls.push((performance.now() - started) / 1000);
    cpus.push((used.user + used.system) / 1e6);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  return { wall: median(walls), cpu: median(cpus), result: result! };
}

const seconds = (t: { wall: number; cpu: number }) => `${t.wall.toFixed(2)} s wall, ${t.cpu.toFixed(2)} s CPU`;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** layoutQuality of the input's PCA layout on 1 and 2 threads, and the input-space kNN accuracy alone (the split). */
function benchQuality(input: Input, repeats: number): number {
  const { matrix, labels } = input;
  const low = { data: pca2d(matrix), rows: matrix.rows, cols: 2 };
  console.log(`${input.what}: ${matrix.rows} × ${matrix.cols}, layout: its PCA (2-D), k = 10`);
  let twoThreads = Number.NaN;
  for (const threads of [1, 2]) {
    const t = time(repeats, () => layoutQuality(matrix, low, labels, 10, { threads }));
    const q = t.result;
    console.log(
      `  layoutQuality, ${threads} thread${threads > 1 ? "s" : ""}: ${seconds(t)}; kNN accuracy ` +
        `${q.knnAccuracyHigh.toFixed(4)} (input) ${q.knnAccuracyLayout.toFixed(4)} (layout), ` +
        `trustworthiness ${q.trustworthiness.toFixed(6)}`,
    );
    if (threads === 2) twoThreads = t.wall;
  }
  const alone = time(repeats, () => knnAccuracy(matrix.data, matrix.rows, matrix.cols, labels, 10, { threads: 2 }));
  console.log(`  of which the input-space distances and kNN (knnAccuracy alone, 2 threads): ${seconds(alone)}`);
  return twoThreads;
}

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:quality",
    USAGE,
    { run: { type: "string" }, repeats: { type: "string" }, "skip-10k": { type: "boolean" } },
    argsSchema,
    (v) => ({ run: v.run, repeats: v.repeats, skip10k: v["skip-10k"] }),
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { run, repeats, skip10k } = flags.args;
  const { large, small } = await loadInputs(run);
  console.log(`node ${process.version}, ${os.availableParallelism()} cores, load average before: ${load()}`);
  // The second thread's worker starts (and registers tsx) once per process: not part of any figure below.
  layoutQuality(small.matrix, { data: pca2d(small.matrix), rows: small.matrix.rows, cols: 2 }, small.labels, 10, {
    threads: 2,
  });
  const q2k = benchQuality(small, repeats);
  const q10k = skip10k ? Number.NaN : benchQuality(large, 2);

  const { matrix, labels } = small;
  const data = new Float64Array(matrix.data);
  for (const threads of [1, 2]) {
    const t = time(repeats, () =>
      allPairSeparations(data, matrix.rows, matrix.cols, labels, SEPARATION_K, { threads }),
    );
    const worst = t.result.reduce((a, b) => (b.knnPurity < a.knnPurity ? b : a));
    console.log(
      `pair figures (45 pairs, k = ${SEPARATION_K}) of one layer × epoch, ${threads} thread${threads > 1 ? "s" : ""}: ` +
        `${seconds(t)}; least separated ${worst.a}/${worst.b}, purity ${worst.knnPurity.toFixed(4)}`,
    );
  }
  console.log(`load average after: ${load()}`);
  await getPool(2).close();
  console.log(`quality_2k_seconds=${q2k.toFixed(2)} quality_10k_seconds=${q10k.toFixed(2)}`);
  return 0;
}

runScript("bench:quality", main, { stack: true });

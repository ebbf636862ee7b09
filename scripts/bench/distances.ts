// Entry point of `npm run bench:distances`: times the exact kNN and the all-pairs separation on the first N MNIST test
// digits reduced by PCA (10,000 × 50 by default, what t-SNE's kNN sees) and prints a checksum of each result.
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { mnistDir } from "../../lib/mnist/dataset";
import { loadIdxImages, loadIdxLabels } from "../../lib/mnist/idx";
import { IMAGE_PIXELS } from "../../lib/core/constants";
import { computeKnn } from "../../lib/numeric/tsne/knn";
import { pca } from "../../lib/numeric/tsne/pca";
import { SEPARATION_K, allPairSeparations } from "../../lib/numeric/pairs/separation";
import { getPool } from "../../lib/numeric/parallel";

const USAGE = `usage: npm run bench:distances -- [--rows N] [--cols D] [--k K,K] [--repeats R] [--only knn|pairs]
  --rows     first N test digits (default 10000; 100..10000)
  --cols     PCA dimensions the digits are reduced to (default 50; 2..784)
  --k        neighbour counts timed for the exact kNN (default 10,90: knnAccuracy's and t-SNE's at perplexity 30)
  --repeats  runs of each, median reported (default 3)
  --only     time only the kNN or only the pair separation
  --threads  threads of the pool (default 2; 1 runs in this thread alone)`;

const argsSchema = z.object({
  rows: z.coerce.number().int().min(100).max(10_000).default(10_000),
  cols: z.coerce.number().int().min(2).max(IMAGE_PIXELS).default(50),
  k: z
    .string()
    .default("10,90")
    .transform((s) => s.split(",").map(Number))
    .pipe(z.array(z.number().int().min(1)).min(1)),
  repeats: z.coerce.number().int().min(1).max(20).default(3),
  only: z.enum(["knn", "pairs"]).optional(),
  threads: z.coerce.number().int().min(1).max(64).default(2),
});

/** FNV-1a over the bytes of each array: equal checksums before and after a change mean bit-identical results. */
function checksum(...arrays: ArrayBufferView[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * Runs `fn` `repeats` times; returns the median wall and CPU seconds, every run's wall seconds and the last result.
 * CPU time (this process's user + system) is the steadier figure when other processes share the cores.
 */
function time<T>(repeats: number, fn: () => T): { wall: number; cpu: number; runs: number[]; result: T } {
  const runs: number[] = [];
  const cpus: number[] = [];
  let result: T | undefined;
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    result = fn();
    const used = process.cpuUsage(cpu);
    runs.push((performance.now() - started) / 1000);
    cpus.push((used.user + used.system) / 1e6);
  }
  return { wall: median(runs), cpu: median(cpus), runs, result: result! };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const format = (t: { wall: number; cpu: number; runs: number[] }) =>
  `${t.wall.toFixed(2)} s median wall, ${t.cpu.toFixed(2)} s CPU (runs ${t.runs.map((s) => s.toFixed(2)).join(", ")})`;

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:distances",
    USAGE,
    {
      rows: { type: "string" },
      cols: { type: "string" },
      k: { type: "string" },
      repeats: { type: "string" },
      only: { type: "string" },
      threads: { type: "string" },
    },
    argsSchema,
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { rows, cols, k: ks, repeats, only, threads } = flags.args;
  const images = loadIdxImages(path.join(mnistDir(), "t10k-images-idx3-ubyte"));
  const labels = loadIdxLabels(path.join(mnistDir(), "t10k-labels-idx1-ubyte")).slice(0, rows);
  const pixels = Float32Array.from(images.pixels.subarray(0, rows * IMAGE_PIXELS), (v) => v / 255);
  const matrix = pca({ data: pixels, rows, cols: IMAGE_PIXELS }, cols).projected;
  console.log(
    `${rows} × ${cols} (PCA of MNIST test digits), ${threads} thread(s), node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  if (only !== "pairs") {
    for (const k of ks) {
      const t = time(repeats, () => computeKnn(matrix, k, { threads }));
      console.log(
        `exact kNN, k = ${k}: ${format(t)}; checksums: indices ${checksum(t.result.indices)}, distances ${checksum(t.result.distancesSq)}`,
      );
    }
  }
  if (only !== "knn") {
    const data = Float64Array.from(matrix.data);
    const t = time(repeats, () => allPairSeparations(data, rows, cols, labels, SEPARATION_K, { threads }));
    const scores = Float64Array.from(t.result.flatMap((p) => [p.knnPurity, p.silhouette, p.count]));
    console.log(`pair separation, all 45 pairs, k = ${SEPARATION_K}: ${format(t)}; checksum ${checksum(scores)}`);
  }
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  await getPool(threads).close();
  return 0;
}

runScript("bench:distances", main, { stack: true });

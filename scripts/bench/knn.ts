// Entry point of `npm run bench:knn`: the approximate kNN (RP trees + NN-descent) against the exact one on the first N
// MNIST digits reduced to 50 PCA components (what t-SNE's kNN sees); prints both times, the recall and a breakdown.
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { mnistDir } from "../../lib/mnist/dataset";
import { loadIdxImages } from "../../lib/mnist/idx";
import { IMAGE_PIXELS } from "../../lib/core/constants";
import { approximateKnnReport } from "../../lib/numeric/tsne/ann";
import { computeKnn, queryKnn, type KnnGraph } from "../../lib/numeric/tsne/knn";
import { pca } from "../../lib/numeric/tsne/pca";
import type { Matrix } from "../../lib/numeric/tsne/matrix";
import { createRng, range, shuffleInPlace } from "../../lib/numeric/random";

const USAGE = `usage: npm run bench:knn -- [--n DIGITS] [--k K] [--threads T] [--exact] [--seed S] [--sample M]
  --n        first N digits (default 10000; 100..70000): the test set, then the training set past 10,000
  --k        neighbours (default 90: t-SNE's 3 × perplexity 30; UMAP uses 15)
  --threads  threads for the approximate kNN (default min(2, cores); 1..64)
  --exact    time the exact kNN above 20,000 digits too (O(n²): minutes at 70,000)
  --seed     seed of the approximate kNN (default 0)
  --sample   rows whose exact neighbours give the recall when the exact kNN is skipped (default 1000)
  --trees, --leaf-size, --max-candidates, --max-rounds   override the approximate kNN's defaults`;

/** Above this many digits the exact kNN is skipped unless --exact: the recall then comes from a sample. */
const EXACT_MAX_ROWS = 20_000;

const argsSchema = z.object({
  n: z.coerce.number().int().min(100).max(70_000).default(10_000),
  k: z.coerce.number().int().min(1).max(1000).default(90),
  threads: z.coerce.number().int().min(1).max(64).optional(),
  exact: z.boolean().default(false),
  seed: z.coerce.number().int().default(0),
  sample: z.coerce.number().int().min(10).max(70_000).default(1000),
  trees: z.coerce.number().int().optional(),
  leafSize: z.coerce.number().int().optional(),
  maxCandidates: z.coerce.number().int().optional(),
  maxRounds: z.coerce.number().int().optional(),
});

/** The first n digits as pixels / 255: the 10,000 test digits, then training digits (70,000 is all of MNIST). */
function loadDigits(n: number): Matrix {
  const test = loadIdxImages(path.join(mnistDir(), "t10k-images-idx3-ubyte"));
  const train = n > test.count ? loadIdxImages(path.join(mnistDir(), "train-images-idx3-ubyte")) : null;
  const data = new Float32Array(n * IMAGE_PIXELS);
  const fromTest = Math.min(n, test.count) * IMAGE_PIXELS;
  for (let i = 0; i < fromTest; i++) data[i] = test.pixels[i]! / 255;
  for (let i = fromTest; i < data.length; i++) data[i] = train!.pixels[i - fromTest]! / 255;
  return { data, rows: n, cols: IMAGE_PIXELS };
}

/** Mean over `rows` of the share of the exact neighbours (row q of `exact` is row rows[q]) that `approx` found. */
function recallOf(approx: KnnGraph, exact: KnnGraph, rows: Int32Array): number {
  const k = exact.k;
  let found = 0;
  rows.forEach((row, q) => {
    const mine = new Set(approx.indices.subarray(row * k, row * k + k));
    for (let t = 0; t < k; t++) if (mine.has(exact.indices[q * k + t]!)) found++;
  });
  return found / (rows.length * k);
}

/** FNV-1a over the bytes of each array: equal checksums on 1 and 2 threads mean bit-identical graphs. */
function checksum(...arrays: ArrayBufferView[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:knn",
    USAGE,
    {
      n: { type: "string" },
      k: { type: "string" },
      threads: { type: "string" },
      exact: { type: "boolean" },
      seed: { type: "string" },
      sample: { type: "string" },
      trees: { type: "string" },
      "leaf-size": { type: "string" },
      "max-candidates": { type: "string" },
      "max-rounds": { type: "string" },
    },
    argsSchema,
    (v) => ({ ...v, leafSize: v["leaf-size"], maxCandidates: v["max-candidates"], maxRounds: v["max-rounds"] }),
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { n, k, threads, exact: forceExact, seed, sample, ...tuning } = flags.args;
  if (k > n - 1) {
    console.error(`bench:knn: --k must be below --n (got k = ${k}, n = ${n})`);
    return 2;
  }
  let started = performance.now();
  const input = pca(loadDigits(n), 50).projected;
  console.log(
    `${n} × 50 (PCA of MNIST pixels, ${((performance.now() - started) / 1000).toFixed(1)} s), k = ${k}, ` +
      `node ${process.version}, ${os.availableParallelism()} cores, load average ${load()}`,
  );

  started = performance.now();
  const cpu = process.cpuUsage();
  const { graph, report } = approximateKnnReport(input, k, { seed, threads, ...tuning });
  const approxSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const s = report.seconds;
  console.log(
    `approximate: ${approxSeconds.toFixed(2)} s on ${report.threads} thread(s), ` +
      `${((used.user + used.system) / 1e6).toFixed(2)} s CPU (wall: trees ${s.trees.toFixed(2)}, leaves ` +
      `${s.leaves.toFixed(2)}, candidates ${s.candidates.toFixed(2)}, joins ${s.joins.toFixed(2)}, sort ` +
      `${s.sort.toFixed(2)}); ${report.trees} trees, leaf size ${report.leafSize}, ${report.maxCandidates} ` +
      `candidates, ${report.updates.length - 1} rounds, heap changes ${report.updates.join(", ")}; checksum ` +
      checksum(graph.indices, graph.distancesSq),
  );

  let recall: number;
  if (n <= EXACT_MAX_ROWS || forceExact) {
    started = performance.now();
    const exact = computeKnn(input, k);
    const exactSeconds = (performance.now() - started) / 1000;
    recall = recallOf(graph, exact, range(n));
    console.log(
      `exact: ${exactSeconds.toFixed(2)} s (one thread); speed-up ${(exactSeconds / approxSeconds).toFixed(1)}×`,
    );
  } else {
    const rows = shuffleInPlace(range(n), createRng(seed)).slice(0, Math.min(sample, n));
    started = performance.now();
    const exact = queryKnn(input, rows, k);
    const seconds = (performance.now() - started) / 1000;
    recall = recallOf(graph, exact, rows);
    console.log(
      `exact: skipped above ${EXACT_MAX_ROWS} rows (--exact to run it); recall from ${rows.length} sampled rows' ` +
        `exact neighbours (queryKnn, ${seconds.toFixed(1)} s)`,
    );
  }
  console.log(`load average after: ${load()}`);
  console.log(`knn_seconds=${approxSeconds.toFixed(2)} recall=${recall.toFixed(4)}`);
  return 0;
}

runScript("bench:knn", main, { stack: true });

// Times our symmetric eigensolver (lib/numeric/tsne/eigen.ts) against ml-matrix's EigenvalueDecomposition on the
// matrices PCA decomposes, and checks that they agree. Run: npx tsx --conditions=react-server scripts/bench/eigen.ts
import os from "node:os";
import path from "node:path";
import { EigenvalueDecomposition, Matrix as MlMatrix } from "ml-matrix";
import { z } from "zod";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { mnistDir } from "../../lib/mnist/dataset";
import { loadIdxImages, loadIdxLabels } from "../../lib/mnist/idx";
import { selectProbeIndices } from "../../lib/mnist/probe";
import { IMAGE_PIXELS } from "../../lib/core/constants";
import { createRng } from "../../lib/numeric/random";
import { symmetricEigen, topEigen } from "../../lib/numeric/tsne/eigen";
import { columnMeans, covarianceMatrix, gramMatrix } from "../../lib/numeric/tsne/pca";
import type { Matrix } from "../../lib/numeric/tsne/matrix";

const USAGE = `usage: npx tsx --conditions=react-server scripts/bench/eigen.ts [--repeats R] [--skip-gram]
  --repeats    runs of each of ours, median reported (default 3); ml-matrix runs once per matrix (seconds to minutes)
  --skip-gram  only the 784 × 784 covariance`;

const argsSchema = z.object({
  repeats: z.coerce.number().int().min(1).max(20).default(3),
  skipGram: z.boolean().default(false),
});

/** Components PCA asks for: t-SNE's default pcaDimensions, and the 2-D PCA layout. */
const COMPONENTS = [50, 2];
/** Width of the synthetic hidden layer whose 2,000-row Gram matrix is decomposed: above 2,000, so PCA takes the Gram path. */
const GRAM_WIDTH = 2048;

function seconds<T>(fn: () => T): { s: number; result: T } {
  const started = performance.now();
  const result = fn();
  return { s: (performance.now() - started) / 1000, result };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** Both triangles of a lower-triangle-only [n, n] matrix. */
function symmetric(lower: Float64Array, n: number): Float64Array {
  const full = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) full[i * n + j] = full[j * n + i] = lower[i * n + j]!;
  return full;
}

/** max_j ‖A v_j − λ_j v_j‖ / λ_1 over the first `count` pairs (vectors as rows). */
function residual(
  full: Float64Array,
  n: number,
  values: ArrayLike<number>,
  vectors: Float64Array,
  count: number,
): number {
  let worst = 0;
  for (let j = 0; j < count; j++) {
    let sq = 0;
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let c = 0; c < n; c++) av += full[i * n + c]! * vectors[j * n + c]!;
      sq += (av - values[j]! * vectors[j * n + i]!) ** 2;
    }
    worst = Math.max(worst, Math.sqrt(sq));
  }
  return worst / Math.abs(values[0]!);
}

/** ml-matrix's decomposition as ours: eigenvalues descending, unit eigenvectors as rows. */
function fromMl(evd: EigenvalueDecomposition, n: number): { values: Float64Array; vectors: Float64Array } {
  const raw = evd.realEigenvalues;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => raw[b]! - raw[a]!);
  const v = evd.eigenvectorMatrix;
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let i = 0; i < n; i++) vectors[dst * n + i] = v.get(i, src);
  });
  return { values: Float64Array.from(order, (i) => raw[i]!), vectors };
}

function compare(label: string, lower: Float64Array, n: number, repeats: number): void {
  const full = symmetric(lower, n);
  console.log(`\n${label}: ${n} × ${n}`);
  const ours = new Map<number, { values: Float64Array; vectors: Float64Array }>();
  for (const count of COMPONENTS) {
    const runs: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t = seconds(() => topEigen(lower, n, count));
      runs.push(t.s);
      ours.set(count, t.result);
    }
    console.log(
      `  ours, topEigen (Lanczos) top ${count}, what pca() calls: ${median(runs).toFixed(3)} s median (runs ${runs.map((s) => s.toFixed(3)).join(", ")})`,
    );
  }
  const oursFull = seconds(() => symmetricEigen(lower, n));
  console.log(`  ours, symmetricEigen (full tred2/tql2): ${oursFull.s.toFixed(2)} s`);
  const convert = seconds(() => MlMatrix.from1DArray(n, n, full));
  const ml = seconds(() => new EigenvalueDecomposition(convert.result, { assumeSymmetric: true }));
  console.log(
    `  ml-matrix EigenvalueDecomposition (full, assumeSymmetric): ${ml.s.toFixed(2)} s (+ ${convert.s.toFixed(3)} s to build its Matrix)`,
  );
  const theirs = fromMl(ml.result, n);
  for (const count of COMPONENTS) {
    const mine = ours.get(count)!;
    let valueGap = 0;
    let minDot = 1;
    for (let j = 0; j < count; j++) {
      valueGap = Math.max(valueGap, Math.abs(mine.values[j]! - theirs.values[j]!) / Math.abs(theirs.values[0]!));
      let dot = 0;
      for (let i = 0; i < n; i++) dot += mine.vectors[j * n + i]! * theirs.vectors[j * n + i]!;
      minDot = Math.min(minDot, Math.abs(dot));
    }
    console.log(
      `  agreement, top ${count}: max |Δλ| / λ1 ${valueGap.toExponential(1)}, min |v_ours · v_ml| ${minDot.toFixed(9)}, ` +
        `residual ‖Av − λv‖ / λ1 ours ${residual(full, n, mine.values, mine.vectors, count).toExponential(1)}, ml-matrix ${residual(full, n, theirs.values, theirs.vectors, count).toExponential(1)}`,
    );
  }
}

/** ReLU(X·W) for `x` [rows, 784] with seeded He-initialised weights [784, width]: an untrained hidden layer. */
function reluLayer(x: Matrix, width: number, seed: number): Matrix {
  const rng = createRng(seed);
  const scale = Math.sqrt(2 / x.cols);
  // Box–Muller normals, row-major [cols, width].
  const w = Float64Array.from(
    { length: x.cols * width },
    () => scale * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()),
  );
  const out = new Float32Array(x.rows * width);
  const acc = new Float64Array(width);
  for (let r = 0; r < x.rows; r++) {
    acc.fill(0);
    for (let c = 0; c < x.cols; c++) {
      const v = x.data[r * x.cols + c]!;
      if (v === 0) continue;
      for (let j = 0; j < width; j++) acc[j] = acc[j]! + v * w[c * width + j]!;
    }
    for (let j = 0; j < width; j++) out[r * width + j] = Math.max(0, acc[j]!);
  }
  return { data: out, rows: x.rows, cols: width };
}

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench/eigen",
    USAGE,
    { repeats: { type: "string" }, "skip-gram": { type: "boolean" } },
    argsSchema,
    (v) => ({ ...v, skipGram: v["skip-gram"] }),
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { repeats, skipGram } = flags.args;
  console.log(
    `node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const images = loadIdxImages(path.join(mnistDir(), "t10k-images-idx3-ubyte"));
  const pixels: Matrix = {
    data: Float32Array.from(images.pixels, (v) => v / 255),
    rows: images.count,
    cols: IMAGE_PIXELS,
  };
  compare(
    "covariance of the 10,000 MNIST test digits' pixels (t-SNE and PCA of the test subset's pixels)",
    covarianceMatrix(pixels, columnMeans(pixels)),
    IMAGE_PIXELS,
    repeats,
  );
  if (!skipGram) {
    // The default 2,000-digit probe set, as training selects it, through a layer wider than it has rows.
    const labels = loadIdxLabels(path.join(mnistDir(), "t10k-labels-idx1-ubyte"));
    const probe = selectProbeIndices(labels, 2000, 0);
    const probePixels = new Float32Array(probe.length * IMAGE_PIXELS);
    probe.forEach((digit, r) =>
      probePixels.set(pixels.data.subarray(digit * IMAGE_PIXELS, (digit + 1) * IMAGE_PIXELS), r * IMAGE_PIXELS),
    );
    const layer = reluLayer({ data: probePixels, rows: probe.length, cols: IMAGE_PIXELS }, GRAM_WIDTH, 1);
    const { gram } = gramMatrix(layer, columnMeans(layer));
    compare(
      `Gram matrix of the 2,000 probe digits through an untrained ${GRAM_WIDTH}-wide ReLU layer (PCA's path when rows < cols)`,
      gram,
      layer.rows,
      repeats,
    );
  }
  console.log(
    `\nload average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  return 0;
}

runScript("bench/eigen", main, { stack: true });

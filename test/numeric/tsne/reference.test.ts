import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { computeAffinities } from "@/lib/numeric/tsne/affinities";
import { klDivergenceExact } from "@/lib/numeric/tsne/kl";
import { computeKnn } from "@/lib/numeric/tsne/knn";
import { pca } from "@/lib/numeric/tsne/pca";
import { neighbourPreservation } from "@/lib/numeric/tsne/quality";
import { createTsne } from "@/lib/numeric/tsne/tsne";
import { createRng } from "@/lib/numeric/random";
import { gaussian, mnistTestDigits } from "./helpers";

// tsne-js 1.0.3 (exact O(n²) t-SNE) is CommonJS without types; these are the parts of it the test drives.
interface NdArray {
  data: Float64Array;
  shape: number[];
}
interface TsneJsModel {
  init(input: { data: number[][]; type: "dense" }): void;
  getOutput(): number[][];
  outputEmbedding: NdArray;
  P: NdArray;
  alpha: number;
  /** Iterations start .. end - 1 of its gradient descent; returns [KL error, last iteration]. */
  _gradDesc(start: number, end: number, momentum: number, minGradNorm: number, minErrorDiff: number): [number, number];
}
type TsneJsConstructor = new (config: {
  dim: number;
  perplexity: number;
  earlyExaggeration: number;
  learningRate: number;
  nIter: number;
}) => TsneJsModel;
const require = createRequire(import.meta.url);
const TsneJs = require("tsne-js") as TsneJsConstructor;
const ndarray = require("ndarray") as (data: Float64Array, shape: number[]) => NdArray;

const ROWS = 250;
const PERPLEXITY = 30;
const JS_ITERATIONS = 400;
const JS_EARLY_EXAGGERATION = 4;

/**
 * tsne-js's own optimiser (exact gradient, its gains, momentum and stopping rules), phase for phase as its
 * run() does, but on our exact P: its run() calibrates perplexity on unsquared distances, a different objective,
 * so only with the same P do the two KL values measure the same thing. Seeded start, std 1e-4.
 */
function runTsneJs(
  x: { data: Float32Array; rows: number; cols: number },
  dense: Float64Array,
): { layout: Float32Array; ownError: number } {
  const n = x.rows;
  const model = new TsneJs({
    dim: 2,
    perplexity: PERPLEXITY,
    earlyExaggeration: JS_EARLY_EXAGGERATION,
    learningRate: 200,
    nIter: JS_ITERATIONS,
  });
  model.init({
    data: Array.from({ length: n }, (_, i) => Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols))),
    type: "dense",
  });
  const rng = createRng(99);
  model.outputEmbedding = ndarray(
    Float64Array.from({ length: 2 * n }, () => 1e-4 * gaussian(rng)),
    [n, 2],
  );
  model.alpha = 1;
  // Its joint probabilities are floored at machine epsilon; keep that convention.
  const p = Float64Array.from(dense, (v) => Math.max(v, Number.EPSILON) * JS_EARLY_EXAGGERATION);
  model.P = ndarray(p, [n, n]);
  let [, iteration] = model._gradDesc(0, 50, 0.5, 0, 0);
  [, iteration] = model._gradDesc(iteration + 1, 100, 0.8, 0, 0);
  for (let i = 0; i < p.length; i++) p[i] = p[i]! / JS_EARLY_EXAGGERATION;
  const [ownError] = model._gradDesc(iteration + 1, JS_ITERATIONS, 0.8, 1e-6, 1e-6);
  return { layout: Float32Array.from(model.getOutput().flat()), ownError };
}

describe("reference comparison with tsne-js (exact t-SNE) on MNIST digits", () => {
  it("reaches a KL divergence within 10% of tsne-js's and keeps as many 10-NN", () => {
    const { matrix } = mnistTestDigits(ROWS);
    const x = pca(matrix, 50).projected;
    // The exact P: every other point a neighbour, calibrated to perplexity 30.
    const exactP = computeAffinities(computeKnn(x, ROWS - 1), PERPLEXITY);
    const dense = new Float64Array(ROWS * ROWS);
    for (let i = 0; i < ROWS; i++) {
      for (let s = exactP.rowStart[i]!; s < exactP.rowStart[i + 1]!; s++)
        dense[i * ROWS + exactP.cols[s]!] = exactP.values[s]!;
    }

    const ours = createTsne(x, { perplexity: PERPLEXITY, iterations: 500, init: "random", seed: 1 }).fit();
    const reference = runTsneJs(x, dense);

    const klOurs = klDivergenceExact(exactP, ours);
    const klReference = klDivergenceExact(exactP, reference.layout);
    // Our KL function reproduces the error tsne-js reports for its own layout: the same objective.
    expect(Math.abs(klReference / reference.ownError - 1)).toBeLessThan(1e-3);
    expect(klOurs).toBeLessThan(1.1 * klReference);

    const low = (layout: Float32Array) => ({ data: layout, rows: ROWS, cols: 2 });
    const keptOurs = neighbourPreservation(x, low(ours), 10);
    const keptReference = neighbourPreservation(x, low(reference.layout), 10);
    expect(keptOurs).toBeGreaterThanOrEqual(keptReference - 0.05);
  });
});

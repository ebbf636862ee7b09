// UMAP to 2-D (umap-learn 0.5's algorithm): kNN graph → fuzzy simplicial set → PCA, random or warm-started layout → SGD.
//
// Follows umap-learn 0.5.3 (umap_.py, layouts.py) step by step: smooth kNN distances, fuzzy union, a/b fitted to
// minDist and spread, edges pruned below max/epochs and sampled every max/weight epochs, negative sampling, clipped
// gradients, linearly decaying step size. Departures: the kNN is exact (or the caller's graph) instead of NN-descent;
// inputs wider than 50 columns go through PCA-50 first (as our t-SNE); the spectral init is not implemented ('pca'
// is the default, scaled as umap-learn scales its spectral layout; umap-learn 0.5.4+ offers the same 'pca'); a warm
// start is used as it is, without umap-learn's rescaling of every init onto [0, 10], so it stays aligned; the SGD
// reads its gradient coefficients from a table good to ~1e-5 (force-table.ts) instead of two Math.pow per sample.
// Threads: all of it runs on one thread today (PCA and the exact kNN are the t-SNE modules', single-threaded so far;
// `threads` is accepted for the kNN). The SGD stays on one thread by design: it moves both ends of every edge it
// samples, so any split of the edges touches shared points; umap-learn's parallel SGD lets threads race on them
// ("hogwild"), which makes the layout depend on timing. Sequential edges keep a fixed seed bit-reproducible.
import { createRng } from "../random";
import { computeKnn, type KnnGraph } from "../tsne/knn";
import { assertMatrix, type Matrix } from "../tsne/matrix";
import { pca } from "../tsne/pca";
import { findAbParams } from "./curve";
import { fuzzySimplicialSet } from "./fuzzy-graph";
import { pcaLayout, randomLayout, scaleLayout } from "./init";
import { optimizeLayout } from "./optimize";
import { resolveUmapOptions, type UmapOptions } from "./options";

/** Inputs wider than this are reduced to this many principal components before the kNN (as the t-SNE path). */
export const PCA_DIMENSIONS = 50;

export interface UmapResult {
  /** The layout, [rows, 2] row-major. */
  coords: Float32Array;
  /** SGD epochs run. */
  epochs: number;
  /** The kNN graph the fuzzy set came from: nNeighbors - 1 nearest other points per row, nearest first. */
  knn: KnnGraph;
  /** Edges of the fuzzy graph (both directions) the SGD sampled, after pruning. */
  edges: number;
  /** Wall-clock milliseconds of each stage (pca is 0 when no reduction ran). */
  timingsMs: { pca: number; knn: number; graph: number; init: number; sgd: number };
}

/**
 * UMAP layout of `input` [rows, cols] (float32, row-major, rows ≥ 3). Synchronous; deterministic for a fixed seed
 * (bit-identical coords). See UmapOptions for each option's default and range.
 */
export function umap(input: Matrix, options: UmapOptions = {}): UmapResult {
  assertMatrix(input);
  const opts = resolveUmapOptions(options, input.rows);
  const n = input.rows;
  const m = opts.nNeighbors - 1;
  let clock = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = now - clock;
    clock = now;
    return ms;
  };

  // The PCA-50 serves the kNN and, through its first two columns, the PCA init.
  const reduced = !opts.knn && input.cols > PCA_DIMENSIONS ? pca(input, PCA_DIMENSIONS).projected : undefined;
  const pcaMs = lap();
  const knn = opts.knn ? firstColumns(opts.knn, n, m) : computeKnn(reduced ?? input, m);
  const knnMs = lap();
  const graph = fuzzySimplicialSet(knn, n, opts.nNeighbors);
  const { a, b } = findAbParams(opts.spread, opts.minDist);
  const graphMs = lap();

  const rng = createRng(opts.seed);
  const coords =
    opts.init instanceof Float32Array
      ? Float64Array.from(opts.init)
      : opts.init === "random"
        ? randomLayout(n, rng)
        : scaleLayout(pcaLayout(input, reduced), rng);
  const initMs = lap();
  const edges = optimizeLayout(coords, n, graph, {
    a,
    b,
    epochs: opts.epochs,
    defaultEpochs: opts.defaultEpochs,
    learningRate: opts.learningRate,
    negativeSampleRate: opts.negativeSampleRate,
    seed: Math.floor(rng() * 4294967296),
  });
  const sgdMs = lap();
  return {
    coords: Float32Array.from(coords),
    epochs: opts.epochs,
    knn,
    edges,
    timingsMs: { pca: pcaMs, knn: knnMs, graph: graphMs, init: initMs, sgd: sgdMs },
  };
}

/** The first m columns of a wider kNN graph (the graph itself when it has exactly m). */
function firstColumns(knn: KnnGraph, n: number, m: number): KnnGraph {
  if (knn.k === m) return knn;
  const indices = new Int32Array(n * m);
  const distancesSq = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    indices.set(knn.indices.subarray(i * knn.k, i * knn.k + m), i * m);
    distancesSq.set(knn.distancesSq.subarray(i * knn.k, i * knn.k + m), i * m);
  }
  return { k: m, indices, distancesSq };
}

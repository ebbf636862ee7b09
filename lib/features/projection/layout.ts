// One layout of a matrix by PCA, t-SNE or UMAP, checked finite, with its quality figures and what 'auto' chose.
import "server-only";
import type { LayoutNeighbours, ProjectionRecord } from "../../db/projections";
import { knnFromMatrix, type KnnGraph } from "../../numeric/tsne/knn";
import { MATRIX_MAX_ROWS, wholeDistances, type WholeDistances } from "../../numeric/distance-matrix";
import type { Matrix } from "../../numeric/tsne/matrix";
import { autoLearningRate, TSNE_DEFAULTS } from "../../numeric/tsne/options";
import { pca, pca2d } from "../../numeric/tsne/pca";
import type { PairScore } from "../../numeric/pairs/separation";
import { pairsAndQuality } from "../../numeric/pairs/with-quality";
import { layoutsQuality } from "../../numeric/tsne/quality";
import { createTsne, pcaStart } from "../../numeric/tsne/tsne";
import { umap } from "../../numeric/umap";
import { timed, type PhaseTimings } from "./timings";

/** A computed layout and its figures; stored with the source's row count. */
export type ComputedLayout = Omit<ProjectionRecord, "rows">;

export interface LayoutSettings {
  /** t-SNE iterations from a PCA start of the final test views. */
  iterations: number;
  /** t-SNE iterations from a PCA start of a probe source with no previous layout (the first epoch, the pixels). */
  probeIterations: number;
  /** Factor on the 'auto' learning rate of a probe source's t-SNE (PROBE_RATE_FACTOR unless measuring). */
  probeRateFactor: number;
  /** t-SNE iterations from the previous epoch's layout, without exaggeration. */
  warmIterations: number;
  /** Iterations at which a test view's t-SNE keeps a snapshot (the seed's replay). */
  snapshots: Set<number>;
  perplexity: number;
  /** Neighbours of the quality figures. */
  k: number;
  /** UMAP's neighbours (its graph is the first this many columns of the t-SNE's). */
  umapNeighbours: number;
}

/** How one layout is computed: its threads, the time breakdown it adds to, and when to give up. */
export interface LayoutContext {
  threads: number;
  timings: PhaseTimings;
  signal?: AbortSignal | undefined;
}

/** Throws naming `what` and the first non-finite value of `values` [rows, cols], so no NaN is ever stored. */
export function assertFinite(values: Float32Array, cols: number, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!))
      throw new Error(`${what} holds ${values[i]} at row ${Math.floor(i / cols)}, column ${i % cols}`);
  }
}

/**
 * A source's input prepared once for all its layouts. Up to MATRIX_MAX_ROWS rows (a probe source) its whole distance
 * matrix is computed once (`distances`, when a t-SNE first needs it): the t-SNE's exact neighbours come from it, in
 * the input's own columns, and the quality and pair figures read it again, so no PCA to 50 dimensions is needed and
 * `reduced` is null. Larger sources are reduced once: `reduced` [rows, ≤ TSNE_PCA_DIMENSIONS] is the t-SNE's input
 * (the matrix itself when no wider). `pca` [rows, 2] is the first two principal components, the PCA layout.
 */
export interface ReducedInput {
  matrix: Matrix;
  reduced: Matrix | null;
  distances: WholeDistances | null;
  pca: Float32Array;
  /** What the PCA took. */
  pcaMs: number;
}

/**
 * Where the PCA layout comes from: a source of at most `wholeMaxRows` (≤ MATRIX_MAX_ROWS) rows gets its two
 * components alone (about half the 50 components' time on a probe layer); a larger one one PCA to the t-SNE's
 * dimensions, of which the first two are the layout.
 */
export function reduceInput(matrix: Matrix, ctx: LayoutContext, wholeMaxRows = MATRIX_MAX_ROWS): ReducedInput {
  const started = performance.now();
  const threads = { threads: ctx.threads };
  const whole = matrix.rows <= Math.min(wholeMaxRows, MATRIX_MAX_ROWS);
  const input = timed(ctx.timings, "pca", () => {
    if (whole || matrix.cols <= TSNE_DEFAULTS.pcaDimensions)
      return { reduced: whole ? null : matrix, pca: pca2d(matrix, threads) };
    const reduced = pca(matrix, TSNE_DEFAULTS.pcaDimensions, threads).projected;
    const twoD = new Float32Array(matrix.rows * 2);
    for (let r = 0; r < matrix.rows; r++) {
      twoD[2 * r] = reduced.data[r * reduced.cols]!;
      twoD[2 * r + 1] = reduced.data[r * reduced.cols + 1]!;
    }
    return { reduced, pca: twoD };
  });
  return { ...input, matrix, distances: null, pcaMs: performance.now() - started };
}

/**
 * Fills in the input's kNN accuracy and each layout's trustworthiness from one pass over the input-space distances
 * (the pass costs the same for one layout or several, and nothing more for the accuracy); adds the pass to each
 * layout's durationMs. Returns the input's kNN accuracy (NaN without labels).
 */
export function scoreLayouts(
  matrix: Matrix,
  labels: Uint8Array,
  layouts: ComputedLayout[],
  k: number,
  ctx: LayoutContext,
): number {
  return scorePass(matrix, layouts, ctx, (lows) => ({
    quality: layoutsQuality(matrix, lows, labels, k, { threads: ctx.threads }),
  })).quality.knnAccuracyHigh;
}

/**
 * scoreLayouts and the pair figures (allPairSeparations with `pairsK` ≥ k neighbours) of a probe source from one pass
 * over its input distances: the same numbers as the two passes give. Counted as quality time.
 */
export function scoreLayoutsAndPairs(
  matrix: Matrix,
  labels: Uint8Array,
  layouts: ComputedLayout[],
  k: number,
  pairsK: number,
  ctx: LayoutContext,
  distances: WholeDistances | null = null,
): { inputAccuracy: number; scores: PairScore[] } {
  const { quality, scores } = scorePass(matrix, layouts, ctx, (lows) =>
    pairsAndQuality(matrix, lows, labels, pairsK, k, { threads: ctx.threads, ...(distances ? { distances } : {}) }),
  );
  return { inputAccuracy: quality.knnAccuracyHigh, scores };
}

/** Runs a quality `pass` over `layouts` of `matrix` as quality time, then gives each layout its figures and the pass's time. */
function scorePass<T extends { quality: ReturnType<typeof layoutsQuality> }>(
  matrix: Matrix,
  layouts: ComputedLayout[],
  ctx: LayoutContext,
  pass: (lows: Matrix[]) => T,
): T {
  const started = performance.now();
  const lows = layouts.map((l) => ({ data: l.coords, rows: matrix.rows, cols: 2 }));
  const result = timed(ctx.timings, "quality", () => pass(lows));
  const passMs = performance.now() - started;
  layouts.forEach((layout, i) => {
    layout.knnAccuracy = result.quality.knnAccuracyHigh;
    layout.trustworthiness = result.quality.layouts[i]!.trustworthiness;
    layout.durationMs += passMs;
  });
  return result;
}

/** The PCA layout of a reduced input; its quality figures come later (scoreLayouts). */
export function computePcaLayout(input: ReducedInput): ComputedLayout {
  assertFinite(input.pca, 2, "the layout");
  return {
    method: "pca",
    iteration: 0,
    final: true,
    coords: input.pca,
    knnAccuracy: null,
    trustworthiness: null,
    klDivergence: null,
    durationMs: input.pcaMs,
    algorithm: null,
    neighbours: null,
  };
}

/**
 * Factor on the 'auto' learning rate of a probe source's t-SNE. Its fits are short (PROBE_ITERATIONS from a PCA
 * start, warmIterations from the previous epoch) and must fit within an epoch of training; on the seed run's
 * 2,000-digit probe layers, twice the rate brings their KL within about 2 % of fits with 1,000 and 400 iterations at
 * the 'auto' rate (docs/benchmarks.md, "The live follower's epoch work").
 */
export const PROBE_RATE_FACTOR = 2;

/** A snapshot of a t-SNE on its way (the test views' replay); its promise is awaited before the next iteration. */
export type OnSnapshot = (layout: ComputedLayout) => Promise<void>;

/**
 * t-SNE of a reduced input, warm-started from `previous` (the previous epoch's layout of the same layer) when given.
 * Returns null when `ctx.signal` aborts during the fit (nothing partial is returned), else the layout (quality
 * figures to come, scoreLayouts) and its kNN graph truncated to UMAP's neighbours. The snapshots go to `onSnapshot`
 * as they come, their kNN accuracy to come as the layout's. A `probe` source's fit from a PCA start runs
 * `settings.probeIterations`, and its fits run at `settings.probeRateFactor` times the 'auto' learning rate.
 */
export async function computeTsneLayout(
  input: ReducedInput,
  settings: LayoutSettings,
  ctx: LayoutContext,
  previous: Float32Array | null,
  probe: boolean,
  onSnapshot?: OnSnapshot,
): Promise<{ layout: ComputedLayout; graph: UmapGraph } | null> {
  const started = performance.now();
  const rows = input.matrix.rows;
  const cold = probe ? settings.probeIterations : settings.iterations;
  const perplexity = Math.min(settings.perplexity, (rows - 2) / 3);
  const tsne = timed(ctx.timings, "prepare", () => {
    // A small source's neighbours from its whole distance matrix, kept for its quality and pair figures.
    let knn: KnnGraph | undefined;
    if (!input.reduced) {
      const { data, cols } = input.matrix;
      const distances = (input.distances ??= wholeDistances(data, rows, cols, ctx.threads));
      knn = knnFromMatrix(distances, Math.min(rows - 1, Math.ceil(3 * perplexity)), { threads: ctx.threads });
    }
    return createTsne(input.reduced ?? input.matrix, {
      perplexity,
      threads: ctx.threads,
      learningRate: probe ? settings.probeRateFactor * autoLearningRate(rows) : "auto",
      ...(knn ? { knn } : {}),
      // Short fits keep three quarters of their iterations for the un-exaggerated phase that sets the layout. A cold
      // start is the PCA layout already computed (createTsne's 'pca' start would compute it again).
      ...(previous
        ? { init: previous, exaggerationIterations: 0, iterations: settings.warmIterations }
        : { init: pcaStart(input.pca), iterations: cold, exaggerationIterations: Math.min(250, Math.round(cold / 4)) }),
    });
  });
  const base = { method: "tsne", knnAccuracy: null, algorithm: tsne.repulsion, neighbours: tsne.neighbours } as const;
  let optimiseStarted = performance.now();
  // Only a snapshot iteration returns a promise (its write), so the other iterations are not held up.
  await tsne.fitAsync((it, t) => {
    if (ctx.signal?.aborted) return false;
    if (!onSnapshot || !settings.snapshots.has(it) || it >= t.iterations) return;
    const coords = t.embedding();
    assertFinite(coords, 2, `the layout at iteration ${it}`);
    ctx.timings.optimise += performance.now() - optimiseStarted;
    const snapshot = { ...base, iteration: it, final: false, coords, trustworthiness: null };
    return onSnapshot({ ...snapshot, klDivergence: t.klDivergence(), durationMs: performance.now() - started }).then(
      () => {
        optimiseStarted = performance.now();
      },
    );
  });
  ctx.timings.optimise += performance.now() - optimiseStarted;
  if (tsne.iteration < tsne.iterations) return null;
  const coords = tsne.embedding();
  assertFinite(coords, 2, `the layout after ${tsne.iteration} iterations`);
  const layout: ComputedLayout = {
    ...base,
    iteration: tsne.iteration,
    final: true,
    coords,
    trustworthiness: null,
    klDivergence: timed(ctx.timings, "optimise", () => tsne.klDivergence()),
    durationMs: performance.now() - started,
  };
  return { layout, graph: truncateGraph(tsne.knn, settings.umapNeighbours, tsne.neighbours) };
}

/** A kNN graph kept for the source's UMAP, and whether it is exact. */
export interface UmapGraph {
  knn: KnnGraph;
  neighbours: LayoutNeighbours;
}

/** The first `k` columns of a graph (nearest first): what UMAP reads of it, and all a follower needs to keep. */
function truncateGraph(graph: KnnGraph, k: number, neighbours: LayoutNeighbours): UmapGraph {
  if (graph.k <= k) return { knn: graph, neighbours };
  const n = graph.indices.length / graph.k;
  const indices = new Int32Array(n * k);
  const distancesSq = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    indices.set(graph.indices.subarray(i * graph.k, i * graph.k + k), i * k);
    distancesSq.set(graph.distancesSq.subarray(i * graph.k, i * graph.k + k), i * k);
  }
  return { knn: { k, indices, distancesSq }, neighbours };
}

/**
 * UMAP of `matrix` on the t-SNE's graph of the same source when kept (else UMAP computes its own, exactly, as after
 * a restart), warm-started from `previous` (the previous epoch's UMAP layout) when given; quality figures to come
 * (scoreLayouts).
 */
export function computeUmapLayout(
  matrix: Matrix,
  settings: LayoutSettings,
  ctx: LayoutContext,
  previous: Float32Array | null,
  graph: UmapGraph | undefined,
): ComputedLayout {
  const started = performance.now();
  const nNeighbors = Math.min(settings.umapNeighbours, matrix.rows - 1, graph?.knn.k ?? Infinity);
  const result = timed(ctx.timings, "umap", () =>
    umap(matrix, {
      nNeighbors,
      threads: ctx.threads,
      ...(previous ? { init: previous } : {}),
      ...(graph ? { knn: graph.knn } : {}),
    }),
  );
  assertFinite(result.coords, 2, `the UMAP layout after ${result.epochs} epochs`);
  return {
    method: "umap",
    iteration: result.epochs,
    final: true,
    coords: result.coords,
    knnAccuracy: null,
    trustworthiness: null,
    klDivergence: null,
    durationMs: performance.now() - started,
    algorithm: "sgd",
    neighbours: graph?.neighbours ?? "exact",
  };
}

// One layout of a matrix by PCA, t-SNE or UMAP, checked finite, with its quality figures and what 'auto' chose.
import "server-only";
import type { LayoutNeighbours, ProjectionRecord } from "../../db/projections";
import type { KnnGraph } from "../../numeric/tsne/knn";
import type { Matrix } from "../../numeric/tsne/matrix";
import { pca2d } from "../../numeric/tsne/pca";
import { knnAccuracy, trustworthiness } from "../../numeric/tsne/quality";
import { createTsne } from "../../numeric/tsne/tsne";
import { umap } from "../../numeric/umap";
import { timed, type PhaseTimings } from "./timings";

/** A computed layout and its figures; stored with the source's row count. */
export type ComputedLayout = Omit<ProjectionRecord, "rows">;

export interface LayoutSettings {
  /** t-SNE iterations from a PCA start (final test views, pixels, the first epoch). */
  iterations: number;
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

/** Leave-one-out kNN accuracy of the input space [rows, cols]: one figure per source, stored with each of its layouts. */
export function inputKnnAccuracy(matrix: Matrix, labels: Uint8Array, k: number, ctx: LayoutContext): number {
  return timed(ctx.timings, "quality", () =>
    knnAccuracy(matrix.data, matrix.rows, matrix.cols, labels, k, { threads: ctx.threads }),
  );
}

function layoutTrust(matrix: Matrix, coords: Float32Array, k: number, ctx: LayoutContext): number {
  return timed(ctx.timings, "quality", () =>
    trustworthiness(matrix, { data: coords, rows: matrix.rows, cols: 2 }, k, { threads: ctx.threads }),
  );
}

export function computePcaLayout(matrix: Matrix, knn: number, settings: LayoutSettings, ctx: LayoutContext) {
  const started = performance.now();
  const coords = timed(ctx.timings, "pca", () => pca2d(matrix));
  assertFinite(coords, 2, "the layout");
  const layout: ComputedLayout = {
    method: "pca",
    iteration: 0,
    final: true,
    coords,
    knnAccuracy: knn,
    trustworthiness: layoutTrust(matrix, coords, settings.k, ctx),
    klDivergence: null,
    durationMs: performance.now() - started,
    algorithm: null,
    neighbours: null,
  };
  return layout;
}

/** A snapshot of a t-SNE on its way (the test views' replay); its promise is awaited before the next iteration. */
export type OnSnapshot = (layout: ComputedLayout) => Promise<void>;

/**
 * t-SNE of `matrix`, warm-started from `previous` (the previous epoch's layout of the same layer) when given.
 * Returns null when `ctx.signal` aborts during the fit (nothing partial is returned), else the layout and its kNN
 * graph truncated to UMAP's neighbours.
 */
export async function computeTsneLayout(
  matrix: Matrix,
  knn: number,
  settings: LayoutSettings,
  ctx: LayoutContext,
  previous: Float32Array | null,
  onSnapshot?: OnSnapshot,
): Promise<{ layout: ComputedLayout; graph: UmapGraph } | null> {
  const started = performance.now();
  const tsne = timed(ctx.timings, "prepare", () =>
    createTsne(matrix, {
      perplexity: Math.min(settings.perplexity, (matrix.rows - 2) / 3),
      threads: ctx.threads,
      // Short fits keep three quarters of their iterations for the un-exaggerated phase that sets the layout.
      ...(previous
        ? { init: previous, exaggerationIterations: 0, iterations: settings.warmIterations }
        : {
            iterations: settings.iterations,
            exaggerationIterations: Math.min(250, Math.round(settings.iterations / 4)),
          }),
    }),
  );
  const base = { method: "tsne", knnAccuracy: knn, algorithm: tsne.repulsion, neighbours: tsne.neighbours } as const;
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
    trustworthiness: layoutTrust(matrix, coords, settings.k, ctx),
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
 * a restart), warm-started from `previous` (the previous epoch's UMAP layout) when given.
 */
export function computeUmapLayout(
  matrix: Matrix,
  knn: number,
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
    knnAccuracy: knn,
    trustworthiness: layoutTrust(matrix, result.coords, settings.k, ctx),
    klDivergence: null,
    durationMs: performance.now() - started,
    algorithm: "sgd",
    neighbours: graph?.neighbours ?? "exact",
  };
}

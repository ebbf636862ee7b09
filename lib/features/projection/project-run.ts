// Computes a run's missing 2-D projections (PCA and t-SNE of every embedding and of raw pixels) and stores them.
import "server-only";
import type { Db } from "../../db/client";
import { getFinalTsneCoords, hasFinalProjection, upsertProjection, type ProjectionRecord } from "../../db/projections";
import { createTsne } from "../../numeric/tsne/tsne";
import { pca2d } from "../../numeric/tsne/pca";
import { knnAccuracy, trustworthiness } from "../../numeric/tsne/quality";
import type { Matrix } from "../../numeric/tsne/matrix";
import {
  describeSource,
  listSources,
  loadSourceMatrix,
  sourceKey,
  sourceLabels,
  type ProjectionSource,
} from "./sources";

export interface ProjectOptions {
  /** t-SNE iterations from a PCA start (final test views, pixels, the first epoch). Default 1000. */
  iterations?: number;
  /** Iterations for an epoch started from the previous epoch's layout of the same layer, without exaggeration. Default 400. */
  warmIterations?: number;
  /** Iterations at which the final test views keep a snapshot (the seed's replay). Default 50, 100, 250, 500. */
  snapshots?: number[];
  perplexity?: number;
  /** Neighbours for kNN accuracy and trustworthiness. Default 10. */
  k?: number;
  onEvent?: (event: ProjectEvent) => void;
  signal?: AbortSignal;
}

export type ProjectEvent =
  | { type: "plan"; total: number; missing: number }
  | {
      type: "done";
      index: number;
      total: number;
      key: string;
      method: "pca" | "tsne";
      seconds: number;
      knnAccuracy: number;
      trustworthiness: number;
      kl?: number;
    };

/** A computed layout and its figures, stored with the source's row count. */
type StoredProjection = Omit<ProjectionRecord, "rows">;

/** Trustworthiness of a layout [rows, 2] of `matrix`, on a fixed sample of points for large sets (see quality.ts). */
function trust(matrix: Matrix, coords: Float32Array, k: number): number {
  return trustworthiness(matrix, { data: coords, rows: matrix.rows, cols: 2 }, k);
}

function store(db: Db, runId: number, s: ProjectionSource, rows: number, p: StoredProjection): Promise<void> {
  return upsertProjection(db, runId, s, { ...p, rows });
}

/**
 * Projects every source of `runId` that lacks a final PCA or t-SNE layout. Idempotent; stoppable between projections.
 * A source whose data or layout holds NaN or ±Infinity stops the run with an error naming the run, subset, layer and
 * epoch, before anything non-finite is stored (what was computed before it stays); any other failure is reported the
 * same way, with the original error as `cause`.
 */
export async function projectRun(
  db: Db,
  runId: number,
  options: ProjectOptions = {},
): Promise<{ computed: number; total: number }> {
  const settings: Settings = {
    iterations: options.iterations ?? 1000,
    warmIterations: options.warmIterations ?? 400,
    snapshots: new Set(options.snapshots ?? [50, 100, 250, 500]),
    perplexity: options.perplexity ?? 30,
    k: options.k ?? 10,
  };
  const sources = await listSources(db, runId);
  const work = sources.flatMap((s) => (["pca", "tsne"] as const).map((method) => ({ s, method })));
  const stored = await Promise.all(work.map(({ s, method }) => hasFinalProjection(db, runId, s, method)));
  const missing = work.filter((_, i) => !stored[i]);
  options.onEvent?.({ type: "plan", total: work.length, missing: missing.length });

  let computed = 0;
  let cache: { key: string; matrix: Matrix; knn: number } | undefined;
  for (const { s, method } of missing) {
    if (options.signal?.aborted) break;
    const key = sourceKey(s);
    const label = `run ${runId}, ${describeSource(s)}, ${method === "pca" ? "PCA" : "t-SNE"}`;
    let result: StoredProjection;
    try {
      if (cache?.key !== key) {
        const matrix = await loadSourceMatrix(db, runId, s);
        assertFinite(matrix.data, matrix.cols, `the stored ${matrix.rows} × ${matrix.cols} input`);
        cache = {
          key,
          matrix,
          knn: knnAccuracy(matrix.data, matrix.rows, matrix.cols, await sourceLabels(db, runId, s), settings.k),
        };
      }
      result = await computeProjection(db, runId, s, method, cache.matrix, cache.knn, settings);
    } catch (err) {
      throw new Error(`${label}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    await store(db, runId, s, cache.matrix.rows, result);
    computed++;
    options.onEvent?.({
      type: "done",
      index: computed,
      total: missing.length,
      key,
      method,
      seconds: result.durationMs / 1000,
      knnAccuracy: cache.knn,
      trustworthiness: result.trustworthiness ?? Number.NaN,
      ...(result.klDivergence !== null ? { kl: result.klDivergence } : {}),
    });
  }
  return { computed, total: work.length };
}

interface Settings {
  iterations: number;
  warmIterations: number;
  snapshots: Set<number>;
  perplexity: number;
  k: number;
}

/** Throws naming `what` and the first non-finite value of `values` [rows, cols], so no NaN is ever stored. */
function assertFinite(values: Float32Array, cols: number, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!))
      throw new Error(`${what} holds ${values[i]} at row ${Math.floor(i / cols)}, column ${i % cols}`);
  }
}

/** One PCA or t-SNE layout of `matrix`, checked finite; t-SNE of the test subset stores its replay snapshots on the way. */
async function computeProjection(
  db: Db,
  runId: number,
  s: ProjectionSource,
  method: "pca" | "tsne",
  matrix: Matrix,
  knn: number,
  settings: Settings,
): Promise<StoredProjection> {
  const started = performance.now();
  if (method === "pca") {
    const coords = pca2d(matrix);
    assertFinite(coords, 2, "the layout");
    const trustworthiness = trust(matrix, coords, settings.k);
    return {
      method,
      iteration: 0,
      final: true,
      coords,
      knnAccuracy: knn,
      trustworthiness,
      klDivergence: null,
      durationMs: performance.now() - started,
    };
  }
  const previous =
    s.subset === "probe" && s.epoch > 1 ? await getFinalTsneCoords(db, runId, { ...s, epoch: s.epoch - 1 }) : null;
  const tsne = createTsne(matrix, {
    perplexity: Math.min(settings.perplexity, (matrix.rows - 2) / 3),
    // Short fits keep three quarters of their iterations for the un-exaggerated phase that sets the layout.
    ...(previous
      ? { init: previous, exaggerationIterations: 0, iterations: settings.warmIterations }
      : {
          iterations: settings.iterations,
          exaggerationIterations: Math.min(250, Math.round(settings.iterations / 4)),
        }),
  });
  const keepSnapshots = s.subset === "test";
  // Only a snapshot iteration returns a promise (its write), so the other iterations are not held up.
  await tsne.fitAsync((it, t) => {
    if (keepSnapshots && settings.snapshots.has(it) && it < t.iterations) {
      const coords = t.embedding();
      assertFinite(coords, 2, `the layout at iteration ${it}`);
      return store(db, runId, s, matrix.rows, {
        method,
        iteration: it,
        final: false,
        coords,
        knnAccuracy: knn,
        trustworthiness: null,
        klDivergence: t.klDivergence(),
        durationMs: performance.now() - started,
      });
    }
  });
  const coords = tsne.embedding();
  assertFinite(coords, 2, `the layout after ${tsne.iteration} iterations`);
  const trustworthiness = trust(matrix, coords, settings.k);
  return {
    method,
    iteration: tsne.iteration,
    final: true,
    coords,
    knnAccuracy: knn,
    trustworthiness,
    klDivergence: tsne.klDivergence(),
    durationMs: performance.now() - started,
  };
}

// Computes a run's missing 2-D projections (PCA and t-SNE of every embedding and of raw pixels) and stores them.
import "server-only";
import type { Db } from "../db/client";
import { blobToFloat32, toBlob } from "../db/blobs";
import { sqlDate } from "../db/sql";
import { createTsne } from "../tsne/tsne";
import { pca2d } from "../tsne/pca";
import { knnAccuracy, trustworthiness } from "../tsne/quality";
import type { Matrix } from "../tsne/matrix";
import { listSources, loadSourceMatrix, sourceKey, sourceLabels, type ProjectionSource } from "./sources";

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
  | { type: "done"; index: number; total: number; key: string; method: "pca" | "tsne"; seconds: number; knnAccuracy: number; trustworthiness: number; kl?: number };

interface StoredProjection {
  method: "pca" | "tsne";
  iteration: number;
  final: boolean;
  coords: Float32Array;
  knnAccuracy: number | null;
  trustworthiness: number | null;
  klDivergence: number | null;
  durationMs: number;
}

/** Trustworthiness of a layout [rows, 2] of `matrix`, on a fixed sample of points for large sets (see quality.ts). */
function trust(matrix: Matrix, coords: Float32Array, k: number): number {
  return trustworthiness(matrix, { data: coords, rows: matrix.rows, cols: 2 }, k);
}

function hasFinal(db: Db, runId: number, s: ProjectionSource, method: string): boolean {
  return Boolean(
    db.sqlite
      .prepare("SELECT 1 FROM Projection WHERE runId = ? AND subset = ? AND epoch = ? AND layerIndex = ? AND method = ? AND final = 1")
      .get(runId, s.subset, s.epoch, s.layerIndex, method),
  );
}

function finalCoords(db: Db, runId: number, s: Pick<ProjectionSource, "subset" | "epoch" | "layerIndex">): Float32Array | undefined {
  const row = db.sqlite
    .prepare("SELECT coords FROM Projection WHERE runId = ? AND subset = ? AND epoch = ? AND layerIndex = ? AND method = 'tsne' AND final = 1")
    .get(runId, s.subset, s.epoch, s.layerIndex) as { coords: Buffer } | undefined;
  return row ? blobToFloat32(row.coords) : undefined;
}

function store(db: Db, runId: number, s: ProjectionSource, rows: number, p: StoredProjection): void {
  db.sqlite
    .prepare(
      `INSERT INTO Projection (runId, subset, epoch, layerIndex, method, iteration, final, rows, coords, knnAccuracy, trustworthiness, klDivergence, durationMs, createdAt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(runId, subset, epoch, layerIndex, method, iteration) DO UPDATE SET final = excluded.final, rows = excluded.rows,
         coords = excluded.coords, knnAccuracy = excluded.knnAccuracy, trustworthiness = excluded.trustworthiness,
         klDivergence = excluded.klDivergence, durationMs = excluded.durationMs, createdAt = excluded.createdAt`,
    )
    .run(runId, s.subset, s.epoch, s.layerIndex, p.method, p.iteration, p.final ? 1 : 0, rows, toBlob(p.coords), p.knnAccuracy, p.trustworthiness, p.klDivergence, Math.round(p.durationMs), sqlDate());
}

/** Projects every source of `runId` that lacks a final PCA or t-SNE layout. Idempotent; stoppable between projections. */
export async function projectRun(db: Db, runId: number, options: ProjectOptions = {}): Promise<{ computed: number; total: number }> {
  const iterations = options.iterations ?? 1000;
  const warmIterations = options.warmIterations ?? 400;
  const snapshots = new Set(options.snapshots ?? [50, 100, 250, 500]);
  const k = options.k ?? 10;
  const sources = listSources(db, runId);
  const work = sources.flatMap((s) => (["pca", "tsne"] as const).map((method) => ({ s, method })));
  const missing = work.filter(({ s, method }) => !hasFinal(db, runId, s, method));
  options.onEvent?.({ type: "plan", total: work.length, missing: missing.length });

  let computed = 0;
  let cache: { key: string; matrix: Matrix; knn: number } | undefined;
  for (const { s, method } of missing) {
    if (options.signal?.aborted) break;
    const key = sourceKey(s);
    if (cache?.key !== key) {
      const matrix = loadSourceMatrix(db, runId, s);
      cache = { key, matrix, knn: knnAccuracy(matrix.data, matrix.rows, matrix.cols, sourceLabels(db, runId, s), k) };
    }
    const { matrix, knn } = cache;
    const started = performance.now();
    let result: StoredProjection;
    if (method === "pca") {
      const coords = pca2d(matrix);
      result = { method, iteration: 0, final: true, coords, knnAccuracy: knn, trustworthiness: trust(matrix, coords, k), klDivergence: null, durationMs: 0 };
    } else {
      const previous = s.subset === "probe" && s.epoch > 1 ? finalCoords(db, runId, { ...s, epoch: s.epoch - 1 }) : undefined;
      const tsne = createTsne(matrix, {
        perplexity: Math.min(options.perplexity ?? 30, (matrix.rows - 2) / 3),
        // Short fits keep three quarters of their iterations for the un-exaggerated phase that sets the layout.
        ...(previous
          ? { init: previous, exaggerationIterations: 0, iterations: warmIterations }
          : { iterations, exaggerationIterations: Math.min(250, Math.round(iterations / 4)) }),
      });
      const keepSnapshots = s.subset === "test";
      await tsne.fitAsync((it, t) => {
        if (keepSnapshots && snapshots.has(it) && it < t.iterations) {
          store(db, runId, s, matrix.rows, {
            method, iteration: it, final: false, coords: t.embedding(), knnAccuracy: knn, trustworthiness: null,
            klDivergence: t.klDivergence(), durationMs: performance.now() - started,
          });
        }
      });
      const coords = tsne.embedding();
      result = { method, iteration: tsne.iteration, final: true, coords, knnAccuracy: knn, trustworthiness: trust(matrix, coords, k), klDivergence: tsne.klDivergence(), durationMs: 0 };
    }
    result.durationMs = performance.now() - started;
    store(db, runId, s, matrix.rows, result);
    computed++;
    options.onEvent?.({
      type: "done", index: computed, total: missing.length, key, method, seconds: result.durationMs / 1000,
      knnAccuracy: knn, trustworthiness: result.trustworthiness ?? Number.NaN, ...(result.klDivergence !== null ? { kl: result.klDivergence } : {}),
    });
  }
  return { computed, total: work.length };
}

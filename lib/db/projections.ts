// Named reads of a run's 2-D projections: metadata with Prisma, coordinates as float32 blobs via better-sqlite3.
import "server-only";
import type { Db } from "./client";
import { blobToFloat32, blobToInt32 } from "./blobs";

export interface ProjectionKey {
  subset: "probe" | "test";
  epoch: number;
  /** -1 for raw pixels. */
  layerIndex: number;
  method: "tsne" | "pca";
  iteration: number;
}

/** Every projection of a run without its coordinates, ordered by subset, layer, epoch, method, iteration. */
export async function listProjections(db: Db, runId: number) {
  return db.prisma.projection.findMany({
    where: { runId },
    omit: { coords: true },
    orderBy: [{ subset: "asc" }, { layerIndex: "asc" }, { epoch: "asc" }, { method: "asc" }, { iteration: "asc" }],
  });
}

/** Coordinates [rows, 2] of one projection, or null if it is not computed. */
export function getProjectionCoords(db: Db, runId: number, key: ProjectionKey): Float32Array | null {
  const row = db.sqlite
    .prepare("SELECT coords FROM Projection WHERE runId = ? AND subset = ? AND epoch = ? AND layerIndex = ? AND method = ? AND iteration = ?")
    .get(runId, key.subset, key.epoch, key.layerIndex, key.method, key.iteration) as { coords: Buffer } | undefined;
  return row ? blobToFloat32(row.coords) : null;
}

/** Test-set indices of a subset's rows: the probe indices, or 0..testSize-1 for the test subset; null for an unknown run. */
export function getSubsetIndices(db: Db, runId: number, subset: "probe" | "test"): Int32Array | null {
  const run = db.sqlite.prepare("SELECT probeIndices, testSize FROM Run WHERE id = ?").get(runId) as
    | { probeIndices: Buffer | null; testSize: number }
    | undefined;
  if (!run) return null;
  if (subset === "test") return Int32Array.from({ length: run.testSize }, (_, i) => i);
  return run.probeIndices ? blobToInt32(run.probeIndices) : new Int32Array(0);
}

/** Activations [rows, cols] of one stored embedding, or null. */
export function getEmbedding(db: Db, runId: number, subset: "probe" | "test", epoch: number, layerIndex: number) {
  const row = db.sqlite
    .prepare("SELECT data, rows, cols FROM Embedding WHERE runId = ? AND subset = ? AND epoch = ? AND layerIndex = ?")
    .get(runId, subset, epoch, layerIndex) as { data: Buffer; rows: number; cols: number } | undefined;
  return row ? { data: blobToFloat32(row.data), rows: row.rows, cols: row.cols } : null;
}

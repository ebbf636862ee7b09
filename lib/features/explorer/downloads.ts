// The embedding explorer's binaries: one stored layout with its ETag, and a subset's digit pixels.
import "server-only";
import type { Db } from "../../db/client";
import { getProjectionBytes } from "../../db/explorer";
import type { Subset } from "../../core/projection";
import type { ProjectionQuery } from "../../chart/scatter-view";
import { gatherTestPixels } from "../digits/pixels";
import { subsetIndices } from "../projection/sources";

/** One stored layout float32 [rows, 2] with an ETag that changes if it is ever recomputed; null when absent. */
export async function fetchProjectionBlob(
  db: Db,
  runId: number,
  q: ProjectionQuery,
): Promise<{ coords: Uint8Array; rows: number; etag: string } | null> {
  const row = await getProjectionBytes(db, runId, {
    subset: q.subset,
    epoch: q.epoch,
    layerIndex: q.layer,
    method: q.method,
    iteration: q.iteration,
  });
  if (!row) return null;
  return {
    coords: row.coords,
    rows: row.rows,
    etag: `"projection-${row.id}-${String(row.createdAt).replace(/\W/g, "")}"`,
  };
}

/** Pixels of a subset's digits in row order, uint8 [rows, 784]; null for an unknown run. */
export async function fetchSubsetPixels(
  db: Db,
  runId: number,
  subset: Subset,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const indices = await subsetIndices(db, runId, subset);
  return indices && gatherTestPixels(indices);
}

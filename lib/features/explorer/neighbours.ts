// The explorer's nearest neighbours of one point, in the original space its layout was computed from.
import "server-only";
import type { Db } from "../../db/client";
import { hasEmbedding } from "../../db/embeddings";
import { PIXELS_LAYER } from "../../core/constants";
import { queryKnn } from "../../numeric/tsne/knn";
import type { NeighboursQuery } from "../../chart/scatter-view";
import { loadSourceMatrix, subsetIndices } from "../projection/sources";

export interface Neighbour {
  row: number;
  /** Euclidean distance in the original space (activations, or pixels scaled to 0..1). */
  distance: number;
}

/**
 * The k nearest rows of `q.row` in the ORIGINAL space the layout was computed from (the stored activations of
 * that layer and epoch, or raw pixels), exact by brute force: 10,000 × 512 is about 5 M multiply-adds.
 * Null when the run or embedding does not exist or the row is out of range.
 */
export async function fetchNeighbours(db: Db, runId: number, q: NeighboursQuery): Promise<Neighbour[] | null> {
  const indices = await subsetIndices(db, runId, q.subset);
  if (!indices) return null;
  const source = {
    subset: q.subset,
    epoch: q.epoch,
    layerIndex: q.layer,
    layerName: "",
    rows: indices.length,
    cols: 0,
  };
  if (q.layer !== PIXELS_LAYER && !(await hasEmbedding(db, runId, source))) return null;
  // The pixels of the test subset are its rows 0..testSize-1 (sourceIndices reads `rows`).
  const matrix = await loadSourceMatrix(db, runId, source);
  if (q.row >= matrix.rows || matrix.rows < 2) return null;
  const knn = queryKnn(matrix, Int32Array.of(q.row), Math.min(q.k, matrix.rows - 1));
  return Array.from(knn.indices, (row, i) => ({ row, distance: Math.sqrt(knn.distancesSq[i]!) }));
}

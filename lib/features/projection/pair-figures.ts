// One probe source's pair figures (the separation of all 45 digit pairs), computed and stored: the follower stores
// them epoch by epoch, npm run pairs (lib/features/pairs/precompute.ts) whatever is missing.
import "server-only";
import type { Db } from "../../db/client";
import { storeSourceScores } from "../../db/pair-store";
import { allPairSeparations, SEPARATION_K, type PairScore } from "../../numeric/pairs/separation";
import type { Matrix } from "../../numeric/tsne/matrix";
import type { ProjectionSource } from "./sources";

/**
 * The 45 pairs' scores of one probe source whose matrix [probe digits, cols] is loaded (row r is probe digit r,
 * `labels` its true labels), on `threads` threads (default min(2, cores); the same figures on any count).
 */
export function sourceSeparations(matrix: Matrix, labels: Uint8Array, k: number, threads?: number): PairScore[] {
  if (matrix.rows !== labels.length) throw new RangeError(`${matrix.rows} rows for ${labels.length} probe labels`);
  // float32 activations (or pixels) copied exactly into float64, the precision every distance is summed in.
  return allPairSeparations(new Float64Array(matrix.data), matrix.rows, matrix.cols, labels, k, { threads });
}

/** Computes and stores sourceSeparations of one probe source: what npm run pairs does per source. */
export async function storeSourceSeparations(
  db: Db,
  runId: number,
  source: ProjectionSource,
  matrix: Matrix,
  labels: Uint8Array,
  k: number = SEPARATION_K,
): Promise<void> {
  const scores = sourceSeparations(matrix, labels, k);
  await storeSourceScores(db, runId, source, k, scores);
}

// One probe source's pair figures (the separation of all 45 digit pairs), computed and stored: the follower stores
// them epoch by epoch, npm run pairs (lib/features/pairs/precompute.ts) whatever is missing.
import "server-only";
import type { Db } from "../../db/client";
import { storeSourceScores } from "../../db/pair-store";
import { allPairSeparations, SEPARATION_K } from "../../numeric/pairs/separation";
import type { Matrix } from "../../numeric/tsne/matrix";
import type { ProjectionSource } from "./sources";

/**
 * Computes and stores the 45 pairs' scores of one probe source whose matrix [probe digits, cols] is loaded (row r is
 * probe digit r, `labels` its true labels): the projection follower's per-epoch step, one source at a time.
 */
export async function storeSourceSeparations(
  db: Db,
  runId: number,
  source: ProjectionSource,
  matrix: Matrix,
  labels: Uint8Array,
  k: number = SEPARATION_K,
): Promise<void> {
  if (matrix.rows !== labels.length)
    throw new RangeError(`${matrix.rows} rows for ${labels.length} probe labels in run ${runId}`);
  // float32 activations (or pixels) copied exactly into float64, the precision every distance is summed in.
  const scores = allPairSeparations(new Float64Array(matrix.data), matrix.rows, matrix.cols, labels, k);
  await storeSourceScores(db, runId, source, k, scores);
}

// A probe source's pair figures and its layouts' quality figures from one pass over its input distances: the pairs'
// pass finds every row's nearest rows of each class, which hold its nearest of all, so the quality pass's own panel
// and selection are not needed (the same figures, bit for bit, at about the pairs' cost alone).
import { NUM_CLASSES } from "../../core/constants";
import type { WholeDistances } from "../distance-matrix";
import { resolveThreads } from "../parallel";
import { layoutNeighbours, qualityFigures, type LayoutQuality } from "../tsne/quality";
import type { Matrix } from "../tsne/matrix";
import { gatherClassNeighbours, scoreAllPairs, type PairScore } from "./separation";

export interface PairsAndQuality {
  scores: PairScore[];
  /** As layoutsQuality gives for `lows`. */
  quality: { knnAccuracyHigh: number; layouts: Array<Omit<LayoutQuality, "knnAccuracyHigh">> };
}

/**
 * allPairSeparations of `high` [rows, cols] with digit `labels` and `pairsK` neighbours, and layoutsQuality of the
 * layouts `lows` of `high` with `qualityK` ≤ pairsK neighbours: the same numbers as those two give, from one pass.
 */
export function pairsAndQuality(
  high: Matrix,
  lows: Matrix[],
  labels: Uint8Array,
  pairsK: number,
  qualityK: number,
  options: { threads?: number; distances?: WholeDistances } = {},
): PairsAndQuality {
  const threads = resolveThreads(options.threads);
  const lowKnn = layoutNeighbours(high, lows, labels, qualityK, threads);
  const n = high.rows;
  const lowIndices = new Int32Array(lows.length * n * qualityK);
  lowKnn.forEach((indices, layout) => lowIndices.set(indices, layout * n * qualityK));
  // float32 activations (or pixels) copied exactly into float64, the precision the pair figures sum distances in.
  const stats = gatherClassNeighbours(new Float64Array(high.data), n, high.cols, labels, NUM_CLASSES, pairsK, {
    threads,
    ...(options.distances ? { distances: options.distances } : {}),
    ranks: { k: qualityK, layouts: lows.length, lowIndices },
  });
  const { highIndices, penalties } = stats.ranks!;
  return { scores: scoreAllPairs(stats), quality: qualityFigures(highIndices, penalties, lowKnn, labels, qualityK) };
}

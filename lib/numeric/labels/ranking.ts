// Rankings of suspect labels: self-confidence and normalised margin (lower = more likely mislabelled), and consensus.
import { classCount, type LabelledProbs } from "./confident-joint";

export const RANKINGS = ["self-confidence", "normalized-margin"] as const;
export type Ranking = (typeof RANKINGS)[number];

/** p(given label) per digit. [n] */
export function selfConfidence(input: LabelledProbs): Float32Array {
  const k = classCount(input);
  return Float32Array.from(input.labels, (l, i) => input.probs[i * k + l]!);
}

/** p(given) − max_{j≠given} p(j) per digit, in [−1, 1]: negative when another class is preferred. [n] */
export function normalizedMargin(input: LabelledProbs): Float32Array {
  const k = classCount(input);
  return Float32Array.from(input.labels, (l, i) => {
    let other = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < k; j++) if (j !== l) other = Math.max(other, input.probs[i * k + j]!);
    return input.probs[i * k + l]! - other;
  });
}

/** The per-digit score of `ranking`. [n] */
export function labelQuality(input: LabelledProbs, ranking: Ranking): Float32Array {
  return ranking === "self-confidence" ? selfConfidence(input) : normalizedMargin(input);
}

/** `indices` ordered by ascending `scores` (most suspect first); ties by index so the order is stable. */
export function rankByScore(indices: Int32Array, scores: Float32Array): Int32Array {
  return Int32Array.from(indices).sort((a, b) => scores[a]! - scores[b]! || a - b);
}

/**
 * The mean of several sources' probabilities, [n, k] each: the consensus whose ranking varies less between seeds and
 * architectures than any single run's.
 */
export function meanProbabilities(sources: readonly Float32Array[]): Float32Array {
  if (sources.length === 0) throw new RangeError("sources is empty: a consensus needs at least one run");
  const length = sources[0]!.length;
  const out = new Float32Array(length);
  for (const [s, probs] of sources.entries()) {
    if (probs.length !== length)
      throw new RangeError(`sources[${s}] has ${probs.length} values, expected ${length} like sources[0]`);
    for (let i = 0; i < length; i++) out[i]! += probs[i]!;
  }
  for (let i = 0; i < length; i++) out[i]! /= sources.length;
  return out;
}

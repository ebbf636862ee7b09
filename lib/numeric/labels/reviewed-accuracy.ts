// A run's test accuracy after label review: with the reviewed digits' labels corrected, and with them excluded (pure).

export interface DigitReview {
  index: number;
  verdict: "mislabelled" | "ambiguous" | "fine";
  /** The right label of a mislabelled digit, when the reviewer gave one. */
  correctedLabel: number | null;
}

export interface ReviewedAccuracy {
  /** Against the labels as given. */
  original: number;
  /** With each mislabelled digit's corrected label (a mislabelled digit without one keeps its label). */
  corrected: number;
  /** Without the digits reviewed mislabelled or ambiguous. */
  excluded: number;
  /** Reviews that fall among the `predicted.length` evaluated digits, and how many of them are excluded. */
  reviewedCount: number;
  excludedCount: number;
}

/**
 * Accuracy of `predicted` [n] against `labels` [n, or longer] three ways. Reviews of digits at or past n are ignored
 * (a run evaluated on fewer test digits).
 */
export function reviewedAccuracy(
  predicted: Uint8Array,
  labels: Uint8Array,
  reviews: readonly DigitReview[],
): ReviewedAccuracy {
  const n = predicted.length;
  if (labels.length < n) throw new RangeError(`labels has ${labels.length} values, fewer than the ${n} predictions`);
  const byIndex = new Map<number, DigitReview>();
  for (const r of reviews) if (r.index >= 0 && r.index < n) byIndex.set(r.index, r);
  let original = 0;
  let corrected = 0;
  let kept = 0;
  let keptCorrect = 0;
  let excludedCount = 0;
  for (let i = 0; i < n; i++) {
    const review = byIndex.get(i);
    const p = predicted[i]!;
    const given = labels[i]!;
    if (p === given) original++;
    const fixed = review?.verdict === "mislabelled" && review.correctedLabel !== null ? review.correctedLabel : given;
    if (p === fixed) corrected++;
    if (review && review.verdict !== "fine") {
      excludedCount++;
      continue;
    }
    kept++;
    if (p === given) keptCorrect++;
  }
  return {
    original: n > 0 ? original / n : Number.NaN,
    corrected: n > 0 ? corrected / n : Number.NaN,
    excluded: kept > 0 ? keptCorrect / kept : Number.NaN,
    reviewedCount: byIndex.size,
    excludedCount,
  };
}

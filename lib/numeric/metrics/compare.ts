// Comparing two runs on the same test digits: per-digit flips and the confusion difference (pure).

export interface Flips {
  /** Test indices A classified right and B wrong. */
  fixedByA: Int32Array;
  /** Test indices A classified wrong and B right. */
  fixedByB: Int32Array;
}

/** Per-digit flips over the digits both runs evaluated (the shorter prediction array bounds them). */
export function computeFlips(predictedA: Uint8Array, predictedB: Uint8Array, labels: Uint8Array): Flips {
  const n = Math.min(predictedA.length, predictedB.length, labels.length);
  const aOnly: number[] = [];
  const bOnly: number[] = [];
  for (let i = 0; i < n; i++) {
    const aRight = predictedA[i] === labels[i];
    const bRight = predictedB[i] === labels[i];
    if (aRight && !bRight) aOnly.push(i);
    else if (bRight && !aRight) bOnly.push(i);
  }
  return { fixedByA: Int32Array.from(aOnly), fixedByB: Int32Array.from(bOnly) };
}

/** B − A, cell by cell. */
export function confusionDifference(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  if (a.length !== b.length) throw new RangeError(`confusion sizes differ: ${a.length} and ${b.length}`);
  return Array.from({ length: a.length }, (_, i) => b[i]! - a[i]!);
}

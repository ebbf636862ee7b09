// Confident learning (Northcutt et al. 2021): per-class thresholds, the confident joint and its label issues (pure).

/** Probabilities [n, k] row-major with the given labels [n]; k is read from their lengths. */
export interface LabelledProbs {
  probs: Float32Array;
  labels: Uint8Array;
}

/** The confident joint and, per digit, the class it was counted under. */
export interface ConfidentJoint {
  classes: number;
  /** [k, k] counts, row = given label, column = the confident class (the suggested true label). */
  counts: Float64Array;
  /** [n] the column each digit was counted in, or -1 when no class reached its threshold (the digit is not counted). */
  guess: Int8Array;
}

/** A threshold reached within this tolerance counts as reached (cleanlab's 1e-6), so float32 rounding decides nothing. */
const THRESHOLD_TOLERANCE = 1e-6;

/** k from the shapes, with the shapes checked; throws a RangeError naming what is wrong. */
export function classCount({ probs, labels }: LabelledProbs): number {
  const n = labels.length;
  if (n === 0) throw new RangeError("labels is empty: confident learning needs at least one digit");
  const k = probs.length / n;
  if (!Number.isInteger(k) || k < 2)
    throw new RangeError(`probs has ${probs.length} values for ${n} labels: expected [n, k] with k >= 2`);
  for (let i = 0; i < n; i++) {
    if (labels[i]! >= k) throw new RangeError(`labels[${i}] is ${labels[i]}, not a class below ${k}`);
  }
  return k;
}

/**
 * t_j = mean p(j) over the digits labelled j: how confident the model is, on average, about class j's own digits.
 * A class nobody is labelled with gets +Infinity (no digit can be confidently assigned to it). [k]
 */
export function perClassThresholds(input: LabelledProbs): Float64Array {
  const k = classCount(input);
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  for (let i = 0; i < input.labels.length; i++) {
    const j = input.labels[i]!;
    sums[j]! += input.probs[i * k + j]!;
    counts[j]!++;
  }
  return sums.map((s, j) => (counts[j]! > 0 ? s / counts[j]! : Number.POSITIVE_INFINITY));
}

/**
 * Counts each digit in row = its given label, column = argmax_j { p(j) : p(j) >= t_j } (the paper's definition; cleanlab
 * takes the plain argmax instead when exactly one class is confident, which differs only when that argmax is below
 * its own threshold). A digit with no class at or above its threshold is not counted.
 */
export function computeConfidentJoint(input: LabelledProbs, thresholds = perClassThresholds(input)): ConfidentJoint {
  const k = classCount(input);
  if (thresholds.length !== k) throw new RangeError(`thresholds has ${thresholds.length} values, expected ${k}`);
  const n = input.labels.length;
  const counts = new Float64Array(k * k);
  const guess = new Int8Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestP = -1;
    for (let j = 0; j < k; j++) {
      const p = input.probs[i * k + j]!;
      if (p >= thresholds[j]! - THRESHOLD_TOLERANCE && p > bestP) {
        best = j;
        bestP = p;
      }
    }
    if (best < 0) continue;
    guess[i] = best;
    counts[input.labels[i]! * k + best]!++;
  }
  return { classes: k, counts, guess };
}

/**
 * The calibrated joint (the paper's eq. 2, cleanlab's calibrate_confident_joint before rounding): each row scaled to
 * the number of digits with that given label, then the whole scaled to n. [k, k], not rounded.
 */
export function calibrateConfidentJoint(joint: ConfidentJoint, labels: Uint8Array): Float64Array {
  const k = joint.classes;
  const labelCounts = new Float64Array(k);
  for (const l of labels) labelCounts[l]!++;
  const out = new Float64Array(k * k);
  let total = 0;
  for (let r = 0; r < k; r++) {
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += joint.counts[r * k + c]!;
    const scale = labelCounts[r]! / Math.max(rowSum, 1);
    for (let c = 0; c < k; c++) {
      out[r * k + c] = joint.counts[r * k + c]! * scale;
      total += out[r * k + c]!;
    }
  }
  const toN = labels.length / Math.max(total, 1);
  return out.map((v) => v * toN);
}

/** Label issues: the digits counted off the diagonal of the confident joint, ascending. [m] */
export function findLabelIssues(joint: ConfidentJoint, labels: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const g = joint.guess[i]!;
    if (g >= 0 && g !== labels[i]) out.push(i);
  }
  return Int32Array.from(out);
}

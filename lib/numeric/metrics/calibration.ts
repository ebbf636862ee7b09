// Calibration of softmax outputs: reliability-diagram bins and expected calibration error (Guo et al. 2017, 15
// equal-width bins), top-label and per class (classwise ECE, Kull et al. 2019) (pure).
import { NUM_CLASSES } from "../../core/constants";

export const ECE_BINS = 15;

/** One bin [lower, upper) of the confidence axis (the last also holds 1.0). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of its predictions; NaN when empty. */
  confidence: number;
  /** Fraction of them that were right; NaN when empty. */
  accuracy: number;
}

export interface Reliability {
  bins: ReliabilityBin[];
  /** Σ (count_b / n) |accuracy_b − confidence_b| over non-empty bins; NaN with no predictions. */
  ece: number;
  count: number;
}

/** The bin of confidence p among `bins` equal-width bins over [0, 1]: [k/B, (k+1)/B), with 1.0 in the last. */
export function binOf(p: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
}

function checkInputs(probs: Float32Array, labels: Uint8Array, bins: number): number {
  const n = labels.length;
  if (probs.length !== n * NUM_CLASSES)
    throw new RangeError(`probs has ${probs.length} values, expected ${n} x ${NUM_CLASSES}`);
  if (!Number.isInteger(bins) || bins < 1 || bins > 1000)
    throw new RangeError(`bins must be an integer in 1..1000, got ${bins}`);
  return n;
}

/** Reliability of `confidence` [n] against `hit` [n] (1 = the event happened). */
function reliabilityOf(confidence: Float64Array, hit: Uint8Array, bins: number): Reliability {
  const counts = new Float64Array(bins);
  const confSums = new Float64Array(bins);
  const hitSums = new Float64Array(bins);
  for (let i = 0; i < confidence.length; i++) {
    const b = binOf(confidence[i]!, bins);
    counts[b]!++;
    confSums[b]! += confidence[i]!;
    hitSums[b]! += hit[i]!;
  }
  const n = confidence.length;
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const count = counts[b]!;
    const conf = count > 0 ? confSums[b]! / count : Number.NaN;
    const acc = count > 0 ? hitSums[b]! / count : Number.NaN;
    if (count > 0) ece += (count / n) * Math.abs(acc - conf);
    out.push({ lower: b / bins, upper: (b + 1) / bins, count, confidence: conf, accuracy: acc });
  }
  return { bins: out, ece: n > 0 ? ece : Number.NaN, count: n };
}

/**
 * Top-label reliability of `probs` [n, 10] against `labels` [n]: each digit's highest probability (ties to the lowest
 * class, as tf.argMax) against whether that class is its label.
 */
export function topLabelReliability(probs: Float32Array, labels: Uint8Array, bins = ECE_BINS): Reliability {
  const n = checkInputs(probs, labels, bins);
  const confidence = new Float64Array(n);
  const hit = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < NUM_CLASSES; c++) if (probs[i * NUM_CLASSES + c]! > probs[i * NUM_CLASSES + best]!) best = c;
    confidence[i] = probs[i * NUM_CLASSES + best]!;
    hit[i] = best === labels[i] ? 1 : 0;
  }
  return reliabilityOf(confidence, hit, bins);
}

/** Reliability of class `cls`: every digit's p(cls) against whether its label is cls. */
export function classReliability(probs: Float32Array, labels: Uint8Array, cls: number, bins = ECE_BINS): Reliability {
  const n = checkInputs(probs, labels, bins);
  if (!Number.isInteger(cls) || cls < 0 || cls >= NUM_CLASSES)
    throw new RangeError(`cls must be a class 0..${NUM_CLASSES - 1}, got ${cls}`);
  const confidence = new Float64Array(n);
  const hit = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    confidence[i] = probs[i * NUM_CLASSES + cls]!;
    hit[i] = labels[i] === cls ? 1 : 0;
  }
  return reliabilityOf(confidence, hit, bins);
}

export interface Calibration {
  topLabel: Reliability;
  /** One per class 0..9. */
  perClass: Reliability[];
  /** Classwise ECE: the mean of the ten per-class ECEs. */
  classwiseEce: number;
}

/** Top-label and per-class reliability of `probs` [n, 10] against `labels` [n], with the classwise ECE. */
export function computeCalibration(probs: Float32Array, labels: Uint8Array, bins = ECE_BINS): Calibration {
  const topLabel = topLabelReliability(probs, labels, bins);
  const perClass = Array.from({ length: NUM_CLASSES }, (_, c) => classReliability(probs, labels, c, bins));
  return { topLabel, perClass, classwiseEce: perClass.reduce((s, r) => s + r.ece, 0) / NUM_CLASSES };
}

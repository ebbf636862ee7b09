// Is run B's test accuracy really different from run A's? McNemar's test on the paired predictions and a paired
// bootstrap interval for the accuracy difference (pure, typed arrays).
import { createRng } from "../random";
import { logBinomialCdf, logChiSquareSurvival } from "./distributions";

/** The discordant pairs of two runs on the same test digits. */
export interface DiscordantCounts {
  /** Digits compared. */
  n: number;
  /** A right and B wrong. */
  b: number;
  /** A wrong and B right. */
  c: number;
}

/** Per-digit correctness, uint8 [n] of 0/1, over the first `n` predictions (n = the labels' length when omitted). */
export function correctness(predicted: Uint8Array, labels: Uint8Array, n = labels.length): Uint8Array {
  if (n > predicted.length || n > labels.length)
    throw new RangeError(
      `correctness: n = ${n} exceeds predictions (${predicted.length}) or labels (${labels.length})`,
    );
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = predicted[i] === labels[i] ? 1 : 0;
  return out;
}

/** b and c of McNemar's table from two runs' per-digit correctness (uint8 [n] each, same digits in the same order). */
export function countDiscordant(correctA: Uint8Array, correctB: Uint8Array): DiscordantCounts {
  if (correctA.length !== correctB.length)
    throw new RangeError(`countDiscordant: correctA has ${correctA.length} digits, correctB ${correctB.length}`);
  let b = 0;
  let c = 0;
  for (let i = 0; i < correctA.length; i++) {
    if (correctA[i] && !correctB[i]) b++;
    else if (!correctA[i] && correctB[i]) c++;
  }
  return { n: correctA.length, b, c };
}

/** Below this many discordant digits (b + c) the exact binomial test is used, the chi-square approximation above. */
export const EXACT_BELOW = 25;

export interface McNemarResult {
  b: number;
  c: number;
  test: "exact binomial" | "chi-square with continuity correction";
  /** (max(0, |b − c| − 1))² / (b + c) for the chi-square test; null for the exact one. */
  statistic: number | null;
  /** Two-sided; 1 when b + c = 0. */
  pValue: number;
  /** ln of pValue, finite where pValue underflows to 0. */
  logPValue: number;
}

/**
 * McNemar's test of "A and B are equally accurate" from the discordant counts: exact two-sided binomial test
 * (2 · P(X ≤ min(b, c)), X ~ Bin(b + c, ½), capped at 1) when b + c < `exactBelow`, else χ²(1) with continuity
 * correction. The correction is clamped at 0 (as Yates's is) so that b = c gives p = 1 in both tests.
 */
export function mcnemarTest(b: number, c: number, exactBelow = EXACT_BELOW): McNemarResult {
  for (const [name, v] of [
    ["b", b],
    ["c", c],
  ] as const)
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`mcnemarTest: ${name} must be a whole number ≥ 0, got ${v}`);
  const m = b + c;
  if (m === 0) return { b, c, test: "exact binomial", statistic: null, pValue: 1, logPValue: 0 };
  if (m < exactBelow) {
    const logP = Math.min(0, Math.LN2 + logBinomialCdf(Math.min(b, c), m, 0.5));
    return { b, c, test: "exact binomial", statistic: null, pValue: Math.exp(logP), logPValue: logP };
  }
  const statistic = Math.max(0, Math.abs(b - c) - 1) ** 2 / m;
  const logP = logChiSquareSurvival(statistic, 1);
  return { b, c, test: "chi-square with continuity correction", statistic, pValue: Math.exp(logP), logPValue: logP };
}

export interface BootstrapOptions {
  /** Resamples of the test digits; default 2,000, 100 to 1,000,000. */
  resamples?: number;
  /** Coverage of the percentile interval; default 0.95, in (0, 1). */
  level?: number;
  /** Seed of the resampling (createRng); default 0. */
  seed?: number;
}

export interface AccuracyDifference {
  n: number;
  /** Accuracy of B minus accuracy of A on the n digits. */
  difference: number;
  /** Percentile interval of the resampled differences. */
  low: number;
  high: number;
  level: number;
  resamples: number;
}

/** Quantile q of ascending `sorted` by linear interpolation between order statistics (numpy's default, type 7). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) throw new RangeError("quantileSorted: no values");
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Paired bootstrap interval for accuracy(B) − accuracy(A): each resample draws n test digits with replacement (the
 * same digit for both runs, which keeps their correlation) and takes the difference of the two accuracies on them.
 * Only the per-digit difference (−1, 0, 1) matters, so a resample is n draws into an int8 array.
 */
export function bootstrapAccuracyDifference(
  correctA: Uint8Array,
  correctB: Uint8Array,
  options: BootstrapOptions = {},
): AccuracyDifference {
  const { resamples = 2000, level = 0.95, seed = 0 } = options;
  if (!Number.isInteger(resamples) || resamples < 100 || resamples > 1_000_000)
    throw new RangeError(`bootstrap: resamples must be a whole number in [100, 1000000], got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap: level must be in (0, 1), got ${level}`);
  if (correctA.length !== correctB.length)
    throw new RangeError(`bootstrap: correctA has ${correctA.length} digits, correctB ${correctB.length}`);
  const n = correctA.length;
  if (n === 0) throw new RangeError("bootstrap: no digits to resample");
  const delta = new Int8Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    delta[i] = (correctB[i] ? 1 : 0) - (correctA[i] ? 1 : 0);
    total += delta[i]!;
  }
  const rng = createRng(seed);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += delta[Math.floor(rng() * n)]!;
    diffs[r] = sum / n;
  }
  diffs.sort();
  const tail = (1 - level) / 2;
  return {
    n,
    difference: total / n,
    low: quantileSorted(diffs, tail),
    high: quantileSorted(diffs, 1 - tail),
    level,
    resamples,
  };
}

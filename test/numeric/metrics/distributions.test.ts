import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  logBinomialCdf,
  logChiSquareSurvival,
  logChoose,
  logGamma,
  logGammaQ,
} from "../../../lib/numeric/metrics/distributions";

const BINOMIAL_CASES: Array<[k: number, n: number, p: number]> = [
  [0, 5, 0.5],
  [3, 10, 0.5],
  [12, 24, 0.5],
  [2, 30, 0.3],
  [40, 200, 0.5],
  [10, 1000, 0.5],
  [480, 1000, 0.5],
  [0, 3000, 0.5],
];
const CHI_CASES: Array<[x: number, df: number]> = [
  [0.001, 1],
  [0.5, 1],
  [1, 1],
  [3.841458820694124, 1],
  [10, 1],
  [16.82, 1],
  [150, 1],
  [2000, 1],
  [7, 3],
  [0.3, 5],
];

/** scipy's values for the cases above, or null when /usr/bin/python3 has no scipy (the hand-worked cases still run). */
function scipyReference(): { binom: number[]; chi: number[] } | null {
  if (!existsSync("/usr/bin/python3")) return null;
  const script = `
import json, sys
from math import log, sqrt
from scipy.special import log_ndtr, logsumexp
from scipy.stats import binom, chi2
cases = json.load(sys.stdin)
# Tails summed from scipy's log pmf, and chi2(1) through the normal's log cdf, so that tails below 1e-308 stay finite.
print(json.dumps({
  "binom": [float(logsumexp([binom.logpmf(i, n, p) for i in range(k + 1)])) for k, n, p in cases["binom"]],
  "chi": [float(log(2) + log_ndtr(-sqrt(x))) if df == 1 else float(chi2.logsf(x, df)) for x, df in cases["chi"]],
}))`;
  const out = spawnSync("/usr/bin/python3", ["-c", script], {
    input: JSON.stringify({ binom: BINOMIAL_CASES, chi: CHI_CASES }),
    encoding: "utf8",
  });
  return out.status === 0 ? (JSON.parse(out.stdout) as { binom: number[]; chi: number[] }) : null;
}

describe("log-space distributions", () => {
  it("logGamma(x) matches factorials and Γ(½) = √π", () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 12);
    expect(() => logGamma(0)).toThrow("x must be > 0, got 0");
  });

  it("logChoose(n, k) gives the binomial coefficients", () => {
    expect(Math.exp(logChoose(10, 3))).toBeCloseTo(120, 9);
    expect(Math.exp(logChoose(52, 5))).toBeCloseTo(2598960, 3);
  });

  it("logBinomialCdf gives hand-worked fair-coin tails", () => {
    // P(X ≤ 0) for 5 flips = 1/32; P(X ≤ 1) for 10 flips = 11/1024.
    expect(Math.exp(logBinomialCdf(0, 5, 0.5))).toBeCloseTo(1 / 32, 14);
    expect(Math.exp(logBinomialCdf(1, 10, 0.5))).toBeCloseTo(11 / 1024, 14);
    expect(logBinomialCdf(10, 10, 0.5)).toBe(0);
    expect(logBinomialCdf(-1, 10, 0.5)).toBe(-Infinity);
    // 3000 flips all tails: 2^-3000 underflows a double, its logarithm does not.
    expect(logBinomialCdf(0, 3000, 0.5)).toBeCloseTo(-3000 * Math.LN2, 9);
    expect(() => logBinomialCdf(1, 2.5, 0.5)).toThrow("n must be a whole number ≥ 0, got 2.5");
    expect(() => logBinomialCdf(1, 5, 1.5)).toThrow("p must be in [0, 1], got 1.5");
  });

  it("logChiSquareSurvival matches closed forms: df 2 is e^(−x/2), df 1 at 3.8415 is 0.05", () => {
    for (const x of [0.1, 1, 5, 40, 900]) expect(logChiSquareSurvival(x, 2)).toBeCloseTo(-x / 2, 10);
    expect(Math.exp(logChiSquareSurvival(3.841458820694124, 1))).toBeCloseTo(0.05, 12);
    expect(logChiSquareSurvival(0, 1)).toBe(0);
    expect(logGammaQ(3, 0)).toBe(0);
    expect(() => logChiSquareSurvival(1, 0)).toThrow("df must be > 0, got 0");
  });

  const reference = scipyReference();
  it.skipIf(reference === null)("agrees with scipy's binom.logcdf and chi2.logsf to 1e-9 relative", () => {
    BINOMIAL_CASES.forEach(([k, n, p], i) => {
      const want = reference!.binom[i]!;
      expect(Math.abs(logBinomialCdf(k, n, p) - want), `binom(${k}; ${n}, ${p})`).toBeLessThan(
        1e-9 * Math.max(1, Math.abs(want)),
      );
    });
    CHI_CASES.forEach(([x, df], i) => {
      const want = reference!.chi[i]!;
      expect(Math.abs(logChiSquareSurvival(x, df) - want), `chi2(${x}; ${df})`).toBeLessThan(
        1e-9 * Math.max(1, Math.abs(want)),
      );
    });
  });
});

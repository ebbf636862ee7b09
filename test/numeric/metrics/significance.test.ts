import { describe, expect, it } from "vitest";
import {
  bootstrapAccuracyDifference,
  correctness,
  countDiscordant,
  mcnemarTest,
  quantileSorted,
} from "../../../lib/numeric/metrics/significance";
import { createRng } from "../../../lib/numeric/random";

/** Correctness arrays with `both` digits right in both runs, `b` right only in A, `c` right only in B, `none` wrong in both. */
function table(both: number, b: number, c: number, none: number): [Uint8Array, Uint8Array] {
  const a = [...Array(both).fill(1), ...Array(b).fill(1), ...Array(c).fill(0), ...Array(none).fill(0)];
  const bb = [...Array(both).fill(1), ...Array(b).fill(0), ...Array(c).fill(1), ...Array(none).fill(0)];
  return [Uint8Array.from(a), Uint8Array.from(bb)];
}

describe("McNemar's test", () => {
  it("counts b (A right, B wrong) and c (A wrong, B right) from predictions and labels", () => {
    const labels = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const a = correctness(Uint8Array.from([1, 2, 0, 0, 5, 0]), labels);
    const b = correctness(Uint8Array.from([1, 0, 3, 0, 5, 6]), labels);
    expect(countDiscordant(a, b)).toEqual({ n: 6, b: 1, c: 2 });
    expect(correctness(Uint8Array.from([1, 9, 9]), labels, 2)).toEqual(Uint8Array.from([1, 0]));
    expect(() => correctness(Uint8Array.of(1), labels, 3)).toThrow("n = 3 exceeds predictions (1)");
  });

  it("symmetric tables give p = 1, in the exact test and in the chi-square one", () => {
    for (const k of [0, 1, 7, 12, 13, 40, 5000]) {
      const r = mcnemarTest(k, k);
      expect(r.pValue, `b = c = ${k}`).toBe(1);
      expect(r.test).toBe(2 * k < 25 ? "exact binomial" : "chi-square with continuity correction");
    }
  });

  it("uses the exact binomial test below 25 discordant digits, with hand-worked p-values", () => {
    // 0 vs 5: 2 · (½)^5 = 1/16.
    expect(mcnemarTest(0, 5)).toMatchObject({ test: "exact binomial", statistic: null });
    expect(mcnemarTest(0, 5).pValue).toBeCloseTo(1 / 16, 14);
    // 1 vs 9: 2 · (1 + 10) / 1024.
    expect(mcnemarTest(9, 1).pValue).toBeCloseTo(22 / 1024, 14);
    expect(mcnemarTest(3, 4).pValue).toBe(1);
  });

  it("uses chi-square with continuity correction from 25 discordant digits", () => {
    const r = mcnemarTest(10, 40);
    expect(r.test).toBe("chi-square with continuity correction");
    expect(r.statistic).toBeCloseTo(29 ** 2 / 50, 12);
    // χ²(1) survival of 16.82 is erfc(√8.41) = erfc(2.9) = 4.1098e-5.
    expect(r.pValue).toBeCloseTo(4.1098e-5, 8);
  });

  it("gives a lopsided table a small p, and a finite log p where p underflows", () => {
    expect(mcnemarTest(2, 20).pValue).toBeLessThan(1e-3);
    const extreme = mcnemarTest(0, 4000);
    expect(extreme.pValue).toBe(0);
    expect(extreme.logPValue).toBeLessThan(-1500);
    expect(Number.isFinite(extreme.logPValue)).toBe(true);
  });

  it("rejects counts that are not whole numbers", () => {
    expect(() => mcnemarTest(-1, 3)).toThrow("b must be a whole number ≥ 0, got -1");
    expect(() => mcnemarTest(1, 2.5)).toThrow("c must be a whole number ≥ 0, got 2.5");
  });
});

describe("the paired bootstrap of the accuracy difference", () => {
  it("identical runs give a zero-width interval at zero", () => {
    const [a] = table(900, 0, 0, 100);
    const r = bootstrapAccuracyDifference(a, a.slice(), { resamples: 500 });
    expect(r).toMatchObject({ n: 1000, difference: 0, low: 0, high: 0, resamples: 500, level: 0.95 });
  });

  it("brackets the observed difference, near the normal approximation's width, and is seeded", () => {
    const [a, b] = table(3600, 40, 64, 296);
    const r = bootstrapAccuracyDifference(a, b, { seed: 7 });
    expect(r.difference).toBeCloseTo(24 / 4000, 12);
    expect(r.low).toBeLessThan(r.difference);
    expect(r.high).toBeGreaterThan(r.difference);
    // Var of the mean per-digit difference: (b + c)/n² − (c − b)²/n³.
    const sd = Math.sqrt(104 / 4000 ** 2 - 24 ** 2 / 4000 ** 3);
    expect((r.high - r.low) / (2 * 1.96 * sd)).toBeGreaterThan(0.85);
    expect((r.high - r.low) / (2 * 1.96 * sd)).toBeLessThan(1.15);
    expect(bootstrapAccuracyDifference(a, b, { seed: 7 })).toEqual(r);
  });

  it("resamples digits the same way as a direct loop over plain arrays with the same seed", () => {
    const [a, b] = table(300, 12, 25, 63);
    const r = bootstrapAccuracyDifference(a, b, { resamples: 300, seed: 3, level: 0.9 });
    const rng = createRng(3);
    const diffs: number[] = [];
    for (let k = 0; k < 300; k++) {
      let ra = 0;
      let rb = 0;
      for (let j = 0; j < 400; j++) {
        const i = Math.floor(rng() * 400);
        ra += a[i]!;
        rb += b[i]!;
      }
      diffs.push((rb - ra) / 400);
    }
    diffs.sort((x, y) => x - y);
    expect(r.low).toBeCloseTo(quantileSorted(Float64Array.from(diffs), 0.05), 12);
    expect(r.high).toBeCloseTo(quantileSorted(Float64Array.from(diffs), 0.95), 12);
  });

  it("takes quantiles by linear interpolation between order statistics", () => {
    const s = Float64Array.from([1, 2, 4, 8]);
    expect(quantileSorted(s, 0)).toBe(1);
    expect(quantileSorted(s, 1)).toBe(8);
    expect(quantileSorted(s, 0.5)).toBe(3);
    expect(quantileSorted(s, 0.25)).toBeCloseTo(1.75, 12);
  });

  it("rejects bad options and mismatched runs with the value in the message", () => {
    const [a, b] = table(10, 1, 1, 0);
    expect(() => bootstrapAccuracyDifference(a, b, { resamples: 10 })).toThrow("resamples must be a whole number");
    expect(() => bootstrapAccuracyDifference(a, b, { level: 1 })).toThrow("level must be in (0, 1), got 1");
    expect(() => bootstrapAccuracyDifference(a, b.subarray(1))).toThrow("correctA has 12 digits, correctB 11");
  });
});

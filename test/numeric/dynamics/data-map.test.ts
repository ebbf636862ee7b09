import { describe, expect, it } from "vitest";
import { computeDynamics, mostForgotten } from "../../../lib/numeric/dynamics/data-map";
import { countRegions, regionOf, selectInBox } from "../../../lib/numeric/dynamics/regions";

// Four digits over four epochs; column e is epoch e + 1 (values worked by hand in the comments below).
const PROBS = [
  [0.2, 0.6, 0.9, 0.9], // learned at epoch 2, kept: mean 0.65, squared deviations .2025 .0025 .0625 .0625
  [0.7, 0.3, 0.8, 0.4], // right, wrong, right, wrong: forgotten twice; mean 0.55, squares .0225 .0625 .0625 .0225
  [0.1, 0.1, 0.1, 0.1], // never learned: mean 0.1, no spread
  [0.9, 0.95, 1, 0.95], // always right: mean 0.95, squares .0025 0 .0025 0
];
const CORRECT = [
  [0, 1, 1, 1],
  [1, 0, 1, 0],
  [0, 0, 0, 0],
  [1, 1, 1, 1],
];
const byEpoch = <T extends Float32Array | Uint8Array>(rows: number[][], make: (v: number[]) => T): T[] =>
  rows[0]!.map((_, e) => make(rows.map((r) => r[e]!)));

describe("computeDynamics", () => {
  const dyn = computeDynamics(
    byEpoch(PROBS, (v) => Float32Array.from(v)),
    byEpoch(CORRECT, (v) => Uint8Array.from(v)),
  );

  it("gives each digit's mean label probability as its confidence", () => {
    [0.65, 0.55, 0.1, 0.95].forEach((m, i) => expect(dyn.confidence[i]).toBeCloseTo(m, 6));
  });

  it("gives the population standard deviation across epochs as variability", () => {
    const expected = [Math.sqrt(0.33 / 4), Math.sqrt(0.17 / 4), 0, Math.sqrt(0.005 / 4)];
    expected.forEach((s, i) => expect(dyn.variability[i]).toBeCloseTo(s, 6));
  });

  it("counts the fraction of epochs correct, the first epoch learned and correct-to-wrong transitions", () => {
    expect(Array.from(dyn.correctness)).toEqual([0.75, 0.5, 0, 1]);
    expect(Array.from(dyn.firstLearned)).toEqual([2, 1, 0, 1]);
    expect(Array.from(dyn.forgetting)).toEqual([0, 2, 0, 0]);
    expect(dyn.epochs).toBe(4);
  });

  it("does not count wrong at the first epoch as forgetting", () => {
    const one = computeDynamics([Float32Array.of(0.1), Float32Array.of(0.9)], [Uint8Array.of(0), Uint8Array.of(1)]);
    expect(one.forgetting[0]).toBe(0);
    expect(one.firstLearned[0]).toBe(2);
  });

  it("lists the most forgotten digits first and leaves out those never forgotten", () => {
    expect(Array.from(mostForgotten(dyn, 3))).toEqual([1]);
    const tie = { forgetting: Int32Array.of(1, 3, 1, 1), confidence: Float32Array.of(0.5, 0.9, 0.2, 0.5) };
    expect(Array.from(mostForgotten(tie, 3))).toEqual([1, 2, 0]);
  });

  it("rejects epochs of different lengths, naming the epoch", () => {
    expect(() =>
      computeDynamics([Float32Array.of(1, 2), Float32Array.of(1)], [Uint8Array.of(1, 1), Uint8Array.of(1)]),
    ).toThrow("labelProbs[1] has 1 digits, expected 2");
    expect(() => computeDynamics([], [])).toThrow("at least one epoch");
  });
});

describe("data map regions", () => {
  it("names high variability ambiguous, else easy or hard by confidence", () => {
    expect(regionOf(0.65, 0.287)).toBe("ambiguous");
    expect(regionOf(0.1, 0)).toBe("hard-to-learn");
    expect(regionOf(0.95, 0.035)).toBe("easy-to-learn");
    expect(regionOf(0.5, 0.199)).toBe("easy-to-learn");
  });

  it("counts the digits of each region", () => {
    const conf = Float32Array.of(0.65, 0.55, 0.1, 0.95);
    const vari = Float32Array.of(0.287, 0.206, 0, 0.035);
    expect(countRegions(conf, vari)).toEqual({ "easy-to-learn": 1, ambiguous: 2, "hard-to-learn": 1 });
  });

  it("selects the digits inside a box whichever way it was dragged, bounds included", () => {
    const conf = Float32Array.of(0.65, 0.55, 0.1, 0.95);
    const vari = Float32Array.of(0.3, 0.2, 0, 0.05);
    expect(Array.from(selectInBox(conf, vari, { x0: 0.2, x1: 0.4, y0: 0.5, y1: 1 }))).toEqual([0, 1]);
    expect(Array.from(selectInBox(conf, vari, { x0: 0.1, x1: 0, y0: 1, y1: 0 }))).toEqual([2, 3]);
    expect(selectInBox(conf, vari, { x0: 0.45, x1: 0.5, y0: 0, y1: 1 }).length).toBe(0);
  });
});

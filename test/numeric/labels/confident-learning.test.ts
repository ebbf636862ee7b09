import { describe, expect, it } from "vitest";
import {
  calibrateConfidentJoint,
  computeConfidentJoint,
  findLabelIssues,
  perClassThresholds,
} from "../../../lib/numeric/labels/confident-joint";
import { meanProbabilities, normalizedMargin, selfConfidence } from "../../../lib/numeric/labels/ranking";
import { rankSuspects } from "../../../lib/numeric/labels/suspects";
import { reviewedAccuracy } from "../../../lib/numeric/labels/reviewed-accuracy";
import { splitAlternately, topKOverlap } from "../../../lib/numeric/labels/overlap";

// Eight digits, three classes, worked by hand below.
//
//   digit  given  p(0)  p(1)  p(2)
//     0      0    0.90  0.10  0.00
//     1      0    0.20  0.80  0.00
//     2      1    0.20  0.60  0.20
//     3      1    0.60  0.15  0.25
//     4      2    0.10  0.20  0.70
//     5      2    0.35  0.35  0.30
//     6      2    0.00  0.42  0.58
//     7      0    0.50  0.45  0.05
//
// Thresholds (mean p(j) over the digits labelled j):
//   t0 = (0.90 + 0.20 + 0.50) / 3 = 0.5333   t1 = (0.60 + 0.15) / 2 = 0.375   t2 = (0.70 + 0.30 + 0.58) / 3 = 0.5267
// Classes at or above their threshold, and the largest of them:
//   0: {0} → 0    1: {1} → 1    2: {1} → 1    3: {0} → 0    4: {2} → 2
//   5: none (0.35 < 0.5333, 0.35 < 0.375, 0.30 < 0.5267) → not counted
//   6: {1, 2} → 2 (0.58 > 0.42)
//   7: {1} → 1, although its argmax is class 0 (0.50 is below t0)
// Confident joint (row = given, column = confident class):
//   row 0: digits 0 → col 0, 1 → col 1, 7 → col 1      = [1, 2, 0]
//   row 1: digits 2 → col 1, 3 → col 0                  = [1, 1, 0]
//   row 2: digits 4 → col 2, 6 → col 2 (5 uncounted)    = [0, 0, 2]
// Label issues (off the diagonal): digits 1 (0→1), 3 (1→0), 7 (0→1).
// Self-confidence p(given): 1: 0.20, 3: 0.15, 7: 0.50 → most suspect first 3, 1, 7.
// Normalised margin p(given) − max other: 1: 0.20 − 0.80 = −0.60, 3: 0.15 − 0.60 = −0.45, 7: 0.50 − 0.45 = 0.05
//   → 1, 3, 7.
// Calibration: digits per given label 3, 2, 3; row sums 3, 2, 2 → rows scaled by 1, 1, 1.5 → [1,2,0 | 1,1,0 | 0,0,3],
//   total 8 = n, so the last step scales by 1.
const labels = Uint8Array.from([0, 0, 1, 1, 2, 2, 2, 0]);
const probs = Float32Array.from(
  [
    [0.9, 0.1, 0.0],
    [0.2, 0.8, 0.0],
    [0.2, 0.6, 0.2],
    [0.6, 0.15, 0.25],
    [0.1, 0.2, 0.7],
    [0.35, 0.35, 0.3],
    [0.0, 0.42, 0.58],
    [0.5, 0.45, 0.05],
  ].flat(),
);
const input = { probs, labels };

describe("confident learning on a hand-worked example", () => {
  it("per-class thresholds are the mean probability of each class over its own digits", () => {
    const t = perClassThresholds(input);
    expect(t[0]).toBeCloseTo(1.6 / 3, 6);
    expect(t[1]).toBeCloseTo(0.375, 6);
    expect(t[2]).toBeCloseTo(1.58 / 3, 6);
  });

  it("the confident joint counts each digit under the largest class that reaches its threshold", () => {
    const joint = computeConfidentJoint(input);
    expect(Array.from(joint.counts)).toEqual([1, 2, 0, 1, 1, 0, 0, 0, 2]);
    expect(Array.from(joint.guess)).toEqual([0, 1, 1, 0, 2, -1, 2, 1]);
  });

  it("label issues are the digits off the joint's diagonal", () => {
    expect(Array.from(findLabelIssues(computeConfidentJoint(input), labels))).toEqual([1, 3, 7]);
  });

  it("calibration scales each row to its label count and the total to n", () => {
    const calibrated = calibrateConfidentJoint(computeConfidentJoint(input), labels);
    const expected = [1, 2, 0, 1, 1, 0, 0, 0, 3];
    expected.forEach((v, i) => expect(calibrated[i]).toBeCloseTo(v, 9));
  });

  it("self-confidence and normalised margin rank the same issues in different orders", () => {
    expect(selfConfidence(input)[3]).toBeCloseTo(0.15, 6);
    expect(normalizedMargin(input)[1]).toBeCloseTo(-0.6, 6);
    const bySelf = rankSuspects(input, "self-confidence").suspects;
    expect(bySelf.map((s) => s.index)).toEqual([3, 1, 7]);
    expect(bySelf.map((s) => s.suggested)).toEqual([0, 1, 1]);
    const byMargin = rankSuspects(input, "normalized-margin").suspects;
    expect(byMargin.map((s) => s.index)).toEqual([1, 3, 7]);
    expect(byMargin[2]!.score).toBeCloseTo(0.05, 6);
  });

  it("a class no digit is labelled with can receive no digit", () => {
    const two = { probs: Float32Array.from([0.9, 0.05, 0.05, 0.1, 0.1, 0.8]), labels: Uint8Array.from([0, 0]) };
    const t = perClassThresholds(two);
    expect(t[1]).toBe(Number.POSITIVE_INFINITY);
    expect(t[0]).toBeCloseTo(0.5, 6);
    // Digit 1: p(0) = 0.1 < 0.5 and classes 1, 2 have infinite thresholds → uncounted.
    expect(Array.from(computeConfidentJoint(two).guess)).toEqual([0, -1]);
  });
});

describe("consensus and input checks", () => {
  it("the consensus is the element-wise mean of the sources", () => {
    // (0.2 + 0.6) / 2 = 0.4, (0.8 + 0.4) / 2 = 0.6
    const mean = meanProbabilities([Float32Array.from([0.2, 0.8]), Float32Array.from([0.6, 0.4])]);
    expect(mean[0]).toBeCloseTo(0.4, 6);
    expect(mean[1]).toBeCloseTo(0.6, 6);
  });

  it("rejects mismatched shapes and labels out of range with messages naming them", () => {
    expect(() => perClassThresholds({ probs: new Float32Array(5), labels: new Uint8Array(2) })).toThrow(
      /probs has 5 values for 2 labels/,
    );
    expect(() => perClassThresholds({ probs: new Float32Array(6), labels: Uint8Array.from([0, 3]) })).toThrow(
      /labels\[1\] is 3/,
    );
    expect(() => meanProbabilities([new Float32Array(2), new Float32Array(3)])).toThrow(/sources\[1\] has 3 values/);
    expect(() => meanProbabilities([])).toThrow(/at least one run/);
  });
});

describe("accuracy with reviewed labels", () => {
  // Five digits: given labels 1 2 3 4 5, predictions 1 2 0 4 6 → 3 of 5 right (0.6).
  // Reviews: digit 2 mislabelled, really 0 → corrected: 4 of 5 (0.8);
  //          digit 4 ambiguous → unchanged when corrected; excluded with digit 2: digits 0, 1, 3 remain, all right (1.0);
  //          digit 1 fine → counted everywhere; digit 9 lies past the evaluated digits → ignored.
  const labelsGiven = Uint8Array.from([1, 2, 3, 4, 5]);
  const predicted = Uint8Array.from([1, 2, 0, 4, 6]);
  const reviews = [
    { index: 2, verdict: "mislabelled" as const, correctedLabel: 0 },
    { index: 4, verdict: "ambiguous" as const, correctedLabel: null },
    { index: 1, verdict: "fine" as const, correctedLabel: null },
    { index: 9, verdict: "mislabelled" as const, correctedLabel: 3 },
  ];

  it("corrects mislabelled digits and excludes mislabelled and ambiguous ones", () => {
    const r = reviewedAccuracy(predicted, labelsGiven, reviews);
    expect(r.original).toBeCloseTo(0.6, 9);
    expect(r.corrected).toBeCloseTo(0.8, 9);
    expect(r.excluded).toBeCloseTo(1, 9);
    expect(r.reviewedCount).toBe(3);
    expect(r.excludedCount).toBe(2);
  });
});

describe("overlap of suspect rankings", () => {
  it("counts the shared share of the two top-k lists", () => {
    // top-3 of [5, 1, 9, 2] = {5, 1, 9}; top-3 of [1, 7, 5, 9] = {1, 7, 5} → shared 1 and 5 → 2/3.
    expect(topKOverlap([5, 1, 9, 2], [1, 7, 5, 9], 3)).toBeCloseTo(2 / 3, 9);
    // Lists shorter than k compare on the shorter length: {4} vs {4} → 1.
    expect(topKOverlap([4], [4, 8], 50)).toBe(1);
    expect(topKOverlap([], [1], 5)).toBeNaN();
  });

  it("splits runs into two groups with each architecture in both", () => {
    const runs = ["mlp1", "cnn1", "mlp2", "cnn2", "mlp3", "mlp4"];
    const [a, b] = splitAlternately(runs, (r) => r.slice(0, 3));
    // mlp1..4 dealt a, b, a, b; then cnn1 → a, cnn2 → b.
    expect(a).toEqual(["mlp1", "mlp3", "cnn1"]);
    expect(b).toEqual(["mlp2", "mlp4", "cnn2"]);
  });
});

import { describe, expect, it } from "vitest";
import {
  binOf,
  classReliability,
  computeCalibration,
  topLabelReliability,
} from "../../../lib/numeric/metrics/calibration";

/** A softmax row with probability p on class c and the rest spread evenly. */
const row = (c: number, p: number) => Array.from({ length: 10 }, (_, k) => (k === c ? p : (1 - p) / 9));

// Four digits: (top class, its probability, label). With 15 bins: 0.95 → bin 14, 0.9 and 0.91 → bin 13, 0.5 → bin 7.
const PROBS = Float32Array.from([row(3, 0.95), row(1, 0.9), row(5, 0.91), row(0, 0.5)].flat());
const LABELS = Uint8Array.of(3, 2, 5, 0);

describe("reliability bins and ECE", () => {
  it("puts a confidence in [k/15, (k+1)/15) and 1.0 in the last bin", () => {
    expect(binOf(0, 15)).toBe(0);
    expect(binOf(1 / 15 + 1e-9, 15)).toBe(1);
    expect(binOf(0.95, 15)).toBe(14);
    expect(binOf(1, 15)).toBe(14);
  });

  it("top-label bins hold the mean confidence and accuracy of their predictions", () => {
    const r = topLabelReliability(PROBS, LABELS);
    expect(r.bins).toHaveLength(15);
    const filled = r.bins.flatMap((b, k) => (b.count > 0 ? [[k, b.count, b.confidence, b.accuracy]] : []));
    expect(filled.map(([k, n]) => [k, n])).toEqual([
      [7, 1],
      [13, 2],
      [14, 1],
    ]);
    expect(r.bins[13]!.confidence).toBeCloseTo((0.9 + 0.91) / 2, 6);
    expect(r.bins[13]!.accuracy).toBe(0.5);
    expect(Number.isNaN(r.bins[0]!.confidence)).toBe(true);
  });

  it("top-label ECE is the count-weighted gap between accuracy and confidence", () => {
    // bin 14: |1 − 0.95|; bin 13: |0.5 − 0.905| for 2 of 4; bin 7: |1 − 0.5|.
    const expected = 0.25 * 0.05 + 0.5 * 0.405 + 0.25 * 0.5;
    expect(topLabelReliability(PROBS, LABELS).ece).toBeCloseTo(expected, 6);
  });

  it("a class's reliability compares every digit's p(class) with whether the label is that class", () => {
    // Class 0: digits A, B, C have p(0) = 0.05/9, 0.1/9, 0.09/9 (bin 0, none labelled 0); D has 0.5 (bin 7, labelled 0).
    const low = (0.05 / 9 + 0.1 / 9 + 0.09 / 9) / 3;
    const expected = 0.75 * Math.abs(0 - low) + 0.25 * Math.abs(1 - 0.5);
    const r = classReliability(PROBS, LABELS, 0);
    expect(r.bins[0]!.count).toBe(3);
    expect(r.ece).toBeCloseTo(expected, 6);
  });

  it("classwise ECE is the mean of the ten per-class ECEs", () => {
    const c = computeCalibration(PROBS, LABELS);
    expect(c.perClass).toHaveLength(10);
    const mean = c.perClass.reduce((s, r) => s + r.ece, 0) / 10;
    expect(c.classwiseEce).toBeCloseTo(mean, 12);
    expect(c.topLabel.ece).toBeCloseTo(topLabelReliability(PROBS, LABELS).ece, 12);
  });

  it("a perfectly calibrated set has ECE 0", () => {
    // Two digits at 0.5 confidence in one bin, one right: accuracy 0.5 = confidence 0.5.
    const probs = Float32Array.from([row(1, 0.5), row(2, 0.5)].flat());
    expect(topLabelReliability(probs, Uint8Array.of(1, 3)).ece).toBeCloseTo(0, 7);
  });

  it("rejects probabilities that do not match the labels, and bad bin counts", () => {
    expect(() => topLabelReliability(new Float32Array(15), Uint8Array.of(1, 2))).toThrow("expected 2 x 10");
    expect(() => topLabelReliability(PROBS, LABELS, 0)).toThrow("bins must be an integer");
    expect(() => classReliability(PROBS, LABELS, 10)).toThrow("cls must be a class");
  });
});

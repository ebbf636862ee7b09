import { describe, expect, it } from "vitest";
import { histogramMargins, marginsOf, medianMargin, selectPairRows } from "../../../lib/numeric/metrics/margins";

/** Probabilities [rows, 10] with p(a) and p(b) set per row and the rest spread evenly. */
function probsOf(pairs: Array<[pa: number, pb: number]>, a: number, b: number): Float32Array {
  const out = new Float32Array(pairs.length * 10);
  pairs.forEach(([pa, pb], r) => {
    for (let c = 0; c < 10; c++) out[r * 10 + c] = (1 - pa - pb) / 8;
    out[r * 10 + a] = pa;
    out[r * 10 + b] = pb;
  });
  return out;
}

describe("pair margins", () => {
  it("selects the rows labelled a or b in order, flagging the a's", () => {
    const { rows, isA } = selectPairRows([4, 1, 9, 9, 4, 7], 4, 9);
    expect(Array.from(rows)).toEqual([0, 2, 3, 4]);
    expect(Array.from(isA)).toEqual([1, 0, 0, 1]);
  });

  it("gives p(a) − p(b) of the selected rows", () => {
    const probs = probsOf(
      [
        [0.9, 0.05],
        [0.1, 0.1],
        [0.2, 0.7],
      ],
      4,
      9,
    );
    expect(Array.from(marginsOf(probs, Int32Array.of(0, 2), 4, 9))).toEqual([
      Math.fround(Math.fround(0.9) - Math.fround(0.05)),
      Math.fround(Math.fround(0.2) - Math.fround(0.7)),
    ]);
    expect(() => marginsOf(probs, Int32Array.of(3), 4, 9)).toThrow("row 3 is past the 3 rows");
  });

  it("bins margins over [−1, 1] per class, 1 and −1 in the end bins", () => {
    const margins = Float32Array.of(-1, -0.51, 0, 0.49, 1, 0.99);
    const isA = Uint8Array.of(0, 0, 1, 1, 1, 0);
    const h = histogramMargins(margins, isA, 4);
    expect(Array.from(h.countsA)).toEqual([0, 0, 2, 1]);
    expect(Array.from(h.countsB)).toEqual([2, 0, 0, 1]);
  });

  it("takes each class's median, null for a class without digits", () => {
    const margins = Float32Array.of(0.5, -0.25, 0.75, 0.25, -1);
    const isA = Uint8Array.of(1, 0, 1, 1, 0);
    expect(medianMargin(margins, isA, true)).toBe(0.5);
    expect(medianMargin(margins, isA, false)).toBe(-0.625);
    expect(medianMargin(margins, Uint8Array.of(1, 1, 1, 1, 1), false)).toBeNull();
  });

  it("rejects a pair that is not two different classes and bad bin counts", () => {
    expect(() => selectPairRows([1], 3, 3)).toThrow("a and b must differ, got 3 twice");
    expect(() => selectPairRows([1], 3, 10)).toThrow("b must be a class 0–9, got 10");
    expect(() => histogramMargins(Float32Array.of(0), Uint8Array.of(1), 1)).toThrow("bins must be a whole number");
    expect(() => histogramMargins(Float32Array.of(0), Uint8Array.of(1, 0), 4)).toThrow("1 margins but 2 class flags");
  });
});

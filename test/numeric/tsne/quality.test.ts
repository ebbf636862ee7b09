import { describe, expect, it } from "vitest";
import { knnAccuracy, neighbourPreservation, trustworthiness } from "@/lib/numeric/tsne/quality";
import type { Matrix } from "@/lib/numeric/tsne/matrix";
import { gaussianBlobs, randomMatrix } from "./helpers";

/** The first two columns of a matrix, as a 2-D layout. */
function firstTwoColumns(m: Matrix): Matrix {
  const data = new Float32Array(m.rows * 2);
  for (let r = 0; r < m.rows; r++) {
    data[2 * r] = m.data[r * m.cols]!;
    data[2 * r + 1] = m.data[r * m.cols + 1]!;
  }
  return { data, rows: m.rows, cols: 2 };
}

describe("knnAccuracy", () => {
  it("is 1 for well-separated labelled blobs and about 1/classes for random labels", () => {
    const { matrix, labels } = gaussianBlobs([Array(5).fill(0), Array(5).fill(20), Array(5).fill(-20)], 50, 1);
    expect(knnAccuracy(matrix.data, matrix.rows, matrix.cols, labels, 10)).toBe(1);
    const shuffled = labels.map((_, i) => (i * 7) % 3);
    expect(knnAccuracy(matrix.data, matrix.rows, matrix.cols, shuffled, 10)).toBeLessThan(0.6);
  });

  it("breaks ties towards the label met first, nearest first", () => {
    // Point 0's two nearest are label 1 (at 1) and label 2 (at 2): one vote each, label 1 is nearer.
    const data = Float32Array.of(0, 1, 2, 10, 11);
    const labels = Uint8Array.of(1, 1, 2, 2, 2);
    // Leave-one-out with k = 2: 0 → {1, 2} tie → 1 ✓; 1 → {0, 2} tie → 1 ✓; 2 → {1, 0} → 1 ✗; 3 → {4, 2} → 2 ✓; 4 → {3, 2} → 2 ✓.
    expect(knnAccuracy(data, 5, 1, labels, 2)).toBeCloseTo(0.8, 12);
  });
});

describe("trustworthiness", () => {
  it("is 1 when the layout keeps every neighbourhood", () => {
    const high = randomMatrix(200, 2, 2);
    expect(trustworthiness(high, high, 5)).toBe(1);
  });

  it("matches scikit-learn on a hand-checked case: a line whose two ends swap places", () => {
    // Points at 0..5; the layout puts point 0 at 5 and point 5 at 0. With k = 2 the false neighbours and their
    // ranks in the line are 0: {4 (rank 4), 3 (3)}, 1: {5 (5)}, 4: {0 (5)}, 5: {1 (4), 2 (3)}: penalty 12, so
    // T = 1 - 2 · 12 / (6 · 2 · (12 - 6 - 1)) = 0.6, as sklearn.manifold.trustworthiness gives.
    const high = { data: Float32Array.of(0, 1, 2, 3, 4, 5), rows: 6, cols: 1 };
    const low = { data: Float32Array.of(5, 1, 2, 3, 4, 0), rows: 6, cols: 1 };
    expect(trustworthiness(high, low, 2)).toBeCloseTo(0.6, 12);
  });

  it("drops for a random layout and estimates from a seeded sample when there are many points", () => {
    const high = randomMatrix(600, 10, 3);
    const random = randomMatrix(600, 2, 4);
    const exact = trustworthiness(high, random, 10);
    expect(exact).toBeLessThan(0.6);
    const sampled = trustworthiness(high, random, 10, { maxPoints: 200, seed: 5 });
    expect(Math.abs(sampled - exact)).toBeLessThan(0.03);
    expect(trustworthiness(high, random, 10, { maxPoints: 200, seed: 5 })).toBe(sampled);
  });

  it("rejects k of half the rows or more and mismatched row counts", () => {
    const m = randomMatrix(10, 2, 6);
    expect(() => trustworthiness(m, m, 5)).toThrow("k must be below rows / 2 = 5 for trustworthiness (got 5)");
    expect(() => trustworthiness(m, randomMatrix(9, 2, 6), 2)).toThrow("high has 10 rows but low has 9");
  });
});

describe("neighbourPreservation", () => {
  it("is 1 for an identical layout and the overlap fraction for a projection", () => {
    const high = randomMatrix(300, 6, 7);
    expect(neighbourPreservation(high, high, 10)).toBe(1);
    const projected = neighbourPreservation(high, firstTwoColumns(high), 10);
    expect(projected).toBeGreaterThan(0.05);
    expect(projected).toBeLessThan(0.6);
  });

  it("estimates from a seeded sample close to the exact value", () => {
    const high = randomMatrix(800, 6, 8);
    const low = firstTwoColumns(high);
    const exact = neighbourPreservation(high, low, 10);
    expect(Math.abs(neighbourPreservation(high, low, 10, { maxPoints: 300 }) - exact)).toBeLessThan(0.03);
  });
});

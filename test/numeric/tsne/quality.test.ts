import { afterAll, describe, expect, it } from "vitest";
import {
  knnAccuracy,
  layoutNeighbours,
  layoutQuality,
  layoutsQuality,
  neighbourPreservation,
  qualityFigures,
  trustworthiness,
} from "@/lib/numeric/tsne/quality";
import { symmetricQuality } from "@/lib/numeric/tsne/quality-symmetric";
import { prepareRows } from "@/lib/numeric/distance-panel";
import type { Matrix } from "@/lib/numeric/tsne/matrix";
import { getPool } from "@/lib/numeric/parallel";
import { digitsWithTies, gaussianBlobs, randomMatrix } from "./helpers";

/** The first two columns of a matrix, as a 2-D layout. */
function firstTwoColumns(m: Matrix): Matrix {
  const data = new Float32Array(m.rows * 2);
  for (let r = 0; r < m.rows; r++) {
    data[2 * r] = m.data[r * m.cols]!;
    data[2 * r + 1] = m.data[r * m.cols + 1]!;
  }
  return { data, rows: m.rows, cols: 2 };
}

/** Plain squared distance, float64 in column order: the definition every figure is exact against. */
function plain({ data, cols }: Matrix, i: number, l: number): number {
  let s = 0;
  for (let c = 0; c < cols; c++) {
    const d = data[i * cols + c]! - data[l * cols + c]!;
    s += d * d;
  }
  return s;
}

/** Every row's other rows sorted by (distance, row): the O(n² log n) reference. */
function sortedNeighbours(m: Matrix): Int32Array[] {
  const n = m.rows;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let l = i + 1; l < n; l++) d[i * n + l] = d[l * n + i] = plain(m, i, l);
  return Array.from({ length: n }, (_, i) => {
    const others = Int32Array.from({ length: n - 1 }, (_, at) => (at < i ? at : at + 1));
    return others.sort((x, y) => d[i * n + x]! - d[i * n + y]! || x - y);
  });
}

function referenceAccuracy(m: Matrix, labels: Uint8Array, k: number): number {
  let correct = 0;
  sortedNeighbours(m).forEach((order, i) => {
    const votes = new Map<number, number>();
    let best = -1;
    let bestVotes = 0;
    for (const l of order.subarray(0, k)) votes.set(labels[l]!, (votes.get(labels[l]!) ?? 0) + 1);
    for (const l of order.subarray(0, k)) {
      if (votes.get(labels[l]!)! > bestVotes) [best, bestVotes] = [labels[l]!, votes.get(labels[l]!)!];
    }
    if (best === labels[i]) correct++;
  });
  return correct / m.rows;
}

/** sklearn.manifold.trustworthiness with ties broken by index (a stable argsort). */
function referenceTrust(high: Matrix, low: Matrix, k: number): number {
  const n = high.rows;
  const highOrder = sortedNeighbours(high);
  const lowOrder = sortedNeighbours(low);
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    const rank = new Int32Array(n);
    highOrder[i]!.forEach((l, at) => (rank[l] = at + 1));
    for (const j of lowOrder[i]!.subarray(0, k)) penalty += Math.max(0, rank[j]! - k);
  }
  return 1 - (2 * penalty) / (n * k * (2 * n - 3 * k - 1));
}

describe("layoutQuality", () => {
  afterAll(() => getPool(2).close());

  it("gives the same neighbours and figures from half the tiles (the pass above 3,072 rows), on 1 and 2 threads", () => {
    const { high, low, labels } = digitsWithTies(400);
    // Twenty copies of one digit across the row blocks: a copy's k + 8 smallest panel values are all 0 but need not
    // be its lowest-numbered copies', so its neighbours come from its own panel row computed again.
    for (let r = 39; r < 400; r += 19) high.data.copyWithin(r * 784, 20 * 784, 21 * 784);
    const other = firstTwoColumns(randomMatrix(400, 2, 5));
    const order = sortedNeighbours(high);
    for (const k of [3, 10]) {
      const expected = layoutsQuality(high, [low, other], labels, k, { threads: 1 });
      for (const threads of [1, 2]) {
        const lowKnn = layoutNeighbours(high, [low, other], labels, k, threads);
        const lowIndices = new Int32Array(2 * 400 * k);
        lowKnn.forEach((indices, layout) => lowIndices.set(indices, layout * 400 * k));
        const prepared = prepareRows(high.data, 400, 784, { shared: threads > 1 });
        const { highIndices, penalties } = symmetricQuality(prepared, k, lowIndices, 2, threads);
        for (let i = 0; i < 400; i++)
          expect(Array.from(highIndices.subarray(i * k, (i + 1) * k)), `row ${i}`).toEqual(
            Array.from(order[i]!.subarray(0, k)),
          );
        expect(qualityFigures(highIndices, penalties, lowKnn, labels, k), `k ${k}, ${threads} threads`).toEqual(
          expected,
        );
      }
    }
  });

  it("equals the plain O(n²) reference exactly on MNIST digits with duplicate rows and tied layout distances", () => {
    const { high, low, labels } = digitsWithTies(240);
    for (const k of [1, 10, 30]) {
      const q = layoutQuality(high, low, labels, k, { threads: 1 });
      expect(q.knnAccuracyHigh, `k ${k}`).toBe(referenceAccuracy(high, labels, k));
      expect(q.knnAccuracyLayout, `k ${k}`).toBe(referenceAccuracy(low, labels, k));
      expect(q.trustworthiness, `k ${k}`).toBe(referenceTrust(high, low, k));
    }
  });

  it("gives the same figures on one and two threads, and for two layouts at once as for each alone", () => {
    const { high, low, labels } = digitsWithTies(700);
    const other = firstTwoColumns(randomMatrix(700, 2, 3));
    const one = layoutsQuality(high, [low, other], labels, 10, { threads: 1 });
    const two = layoutsQuality(high, [low, other], labels, 10, { threads: 2 });
    expect(two).toEqual(one);
    expect(one.layouts[1]).toEqual({
      knnAccuracyLayout: knnAccuracy(other.data, 700, 2, labels, 10),
      trustworthiness: trustworthiness(high, other, 10, { threads: 1 }),
    });
    expect(one.knnAccuracyHigh).toBe(knnAccuracy(high.data, 700, 784, labels, 10, { threads: 2 }));
    expect(one.layouts[0]!.trustworthiness).toBeGreaterThan(one.layouts[1]!.trustworthiness);
  });
});

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

  it("drops for a random layout", () => {
    const high = randomMatrix(600, 10, 3);
    expect(trustworthiness(high, randomMatrix(600, 2, 4), 10)).toBeLessThan(0.6);
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

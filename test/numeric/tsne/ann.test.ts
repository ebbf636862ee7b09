// The approximate kNN returns well-formed graphs (sorted, exact distances, no self, no repeats), the same bits for a
// seed on one and two threads, the exact graph when a leaf holds every row, and names bad options.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approximateKnn } from "@/lib/numeric/tsne/ann";
import { computeKnn } from "@/lib/numeric/tsne/knn";
import type { Matrix } from "@/lib/numeric/tsne/matrix";
import { getPool } from "@/lib/numeric/parallel";
import { recallOf } from "./ann-helpers";
import { downsample14, mnistTestDigits, randomMatrix } from "./helpers";

function distanceSq({ data, cols }: Matrix, a: number, b: number): number {
  let sum = 0;
  for (let c = 0; c < cols; c++) sum += (data[a * cols + c]! - data[b * cols + c]!) ** 2;
  return sum;
}

describe("approximateKnn", () => {
  let digits: Matrix;
  beforeAll(() => {
    digits = downsample14(mnistTestDigits(1000).matrix);
  });
  afterAll(async () => getPool(2).close());

  it("gives each digit k distinct other digits, nearest first, with their exact squared distances", () => {
    const k = 15;
    const graph = approximateKnn(digits, k, { seed: 3 });
    expect(graph.k).toBe(k);
    expect(graph.indices.length).toBe(digits.rows * k);
    // Collected, not asserted one by one: 15,000 entries.
    const problems: string[] = [];
    for (let i = 0; i < digits.rows; i++) {
      const row = graph.indices.subarray(i * k, i * k + k);
      if (row.includes(i)) problems.push(`row ${i} holds itself`);
      if (new Set(row).size !== k) problems.push(`row ${i} repeats a neighbour`);
      row.forEach((j, t) => {
        const d = graph.distancesSq[i * k + t]!;
        if (!(j >= 0 && j < digits.rows)) problems.push(`row ${i} holds ${j}`);
        else if (Math.abs(d - distanceSq(digits, i, j)) > 1e-12 * Math.max(1, d))
          problems.push(`row ${i}: distance to ${j} is ${d}, not ${distanceSq(digits, i, j)}`);
        if (t > 0 && d < graph.distancesSq[i * k + t - 1]!) problems.push(`row ${i} is not sorted at ${t}`);
      });
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(recallOf(graph, computeKnn(digits, k))).toBeGreaterThan(0.95);
  });

  it("gives the same bits for the same seed, on one thread and on two", () => {
    const one = approximateKnn(digits, 20, { seed: 11, threads: 1 });
    const two = approximateKnn(digits, 20, { seed: 11, threads: 2 });
    const again = approximateKnn(digits, 20, { seed: 11, threads: 1 });
    expect(two.indices).toEqual(one.indices);
    expect(two.distancesSq).toEqual(one.distancesSq);
    expect(again.indices).toEqual(one.indices);
  });

  it("draws other trees for another seed", () => {
    const a = approximateKnn(digits, 15, { seed: 1, maxRounds: 0 });
    const b = approximateKnn(digits, 15, { seed: 2, maxRounds: 0 });
    expect(b.indices).not.toEqual(a.indices);
  });

  it("is the exact kNN when one leaf holds every row", () => {
    const small = randomMatrix(60, 6, 9);
    const exact = computeKnn(small, 12);
    const graph = approximateKnn(small, 12, { leafSize: 60, trees: 1, maxRounds: 0 });
    expect(graph.indices).toEqual(exact.indices);
  });

  it("handles repeated rows and k = rows - 1", () => {
    const same: Matrix = { data: new Float32Array(30 * 4).fill(0.5), rows: 30, cols: 4 };
    const graph = approximateKnn(same, 29, { leafSize: 4 });
    for (let i = 0; i < 30; i++) {
      const row = Array.from(graph.indices.subarray(i * 29, i * 29 + 29));
      expect(row).not.toContain(i);
      expect(new Set(row).size).toBe(29);
    }
    expect(graph.distancesSq.every((d) => d === 0)).toBe(true);
  });

  it("names the bad option and its value", () => {
    const small = randomMatrix(20, 3, 1);
    expect(() => approximateKnn(small, 0)).toThrow("k must be an integer in 1..19 (rows - 1) (got 0)");
    expect(() => approximateKnn(small, 20)).toThrow("k must be an integer in 1..19 (rows - 1) (got 20)");
    expect(() => approximateKnn(small, 2.5)).toThrow("k must be an integer in 1..19 (rows - 1) (got 2.5)");
    expect(() => approximateKnn(small, 5, { seed: 0.5 })).toThrow("seed must be an integer (got 0.5)");
    expect(() => approximateKnn(small, 5, { seed: Number.NaN })).toThrow("seed must be an integer (got NaN)");
    expect(() => approximateKnn(small, 5, { threads: 0 })).toThrow("threads must be an integer in 1..64 (got 0)");
    expect(() => approximateKnn(small, 5, { threads: 1.5 })).toThrow("threads must be an integer in 1..64 (got 1.5)");
    expect(() => approximateKnn(small, 5, { maxCandidates: 0 })).toThrow(
      "maxCandidates must be an integer in 1..256 (got 0)",
    );
    expect(() => approximateKnn(small, 5, { delta: -1 })).toThrow("delta must be a number in [0, 1] (got -1)");
    expect(() => approximateKnn({ data: new Float32Array(5), rows: 2, cols: 3 }, 1)).toThrow(/input.data has 5/);
  });
});

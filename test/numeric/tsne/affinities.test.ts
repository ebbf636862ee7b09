import { describe, expect, it } from "vitest";
import { calibratePerplexity, computeAffinities } from "@/lib/numeric/tsne/affinities";
import { computeKnn } from "@/lib/numeric/tsne/knn";
import { gaussianBlobs, randomMatrix } from "./helpers";

describe("calibratePerplexity", () => {
  it("hits the target entropy log2(perplexity) within 1e-3 bits for every point", () => {
    const data = randomMatrix(500, 10, 1);
    for (const perplexity of [5, 30]) {
      const knn = computeKnn(data, Math.ceil(3 * perplexity));
      const { values } = calibratePerplexity(knn, perplexity);
      for (let i = 0; i < data.rows; i++) {
        let entropyBits = 0;
        let total = 0;
        for (let t = 0; t < knn.k; t++) {
          const p = values[i * knn.k + t]!;
          total += p;
          if (p > 0) entropyBits -= p * Math.log2(p);
        }
        expect(total).toBeCloseTo(1, 12);
        expect(Math.abs(entropyBits - Math.log2(perplexity))).toBeLessThan(1e-3);
      }
    }
  });

  it("also calibrates tight clusters with large squared distances between them", () => {
    const { matrix } = gaussianBlobs([Array(5).fill(0), Array(5).fill(1e3)], 60, 2);
    const knn = computeKnn(matrix, 90);
    const { values, betas } = calibratePerplexity(knn, 30);
    for (let i = 0; i < matrix.rows; i++) {
      const row = values.subarray(i * 90, i * 90 + 90);
      const entropyBits = -row.reduce((s, p) => s + (p > 0 ? p * Math.log2(p) : 0), 0);
      expect(Math.abs(entropyBits - Math.log2(30))).toBeLessThan(1e-3);
      expect(Number.isFinite(betas[i]!)).toBe(true);
    }
  });

  it("rejects a perplexity the neighbour count cannot reach", () => {
    const knn = computeKnn(randomMatrix(50, 3, 3), 10);
    expect(() => calibratePerplexity(knn, 11)).toThrow(
      /perplexity must be in \(1, k \+ 1\) = \(1, 11\) for 10 neighbours \(got 11\)/,
    );
  });
});

describe("computeAffinities", () => {
  it("gives a symmetric P with sorted columns that sums to 1", () => {
    const knn = computeKnn(randomMatrix(300, 8, 4), 45);
    const p = computeAffinities(knn, 15);
    const lookup = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < p.n; i++) {
      for (let s = p.rowStart[i]!; s < p.rowStart[i + 1]!; s++) {
        if (s > p.rowStart[i]! && p.cols[s]! <= p.cols[s - 1]!) throw new Error(`row ${i} columns not ascending`);
        if (p.cols[s] === i) throw new Error(`row ${i} has a diagonal entry`);
        lookup.set(`${i},${p.cols[s]}`, p.values[s]!);
        total += p.values[s]!;
      }
    }
    expect(total).toBeCloseTo(1, 12);
    const asymmetric = [...lookup].filter(([key, value]) => {
      const [i, j] = key.split(",");
      return lookup.get(`${j},${i}`) !== value;
    });
    expect(asymmetric).toEqual([]);
  });
});

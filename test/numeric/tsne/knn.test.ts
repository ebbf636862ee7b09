import { describe, expect, it } from "vitest";
import { wholeDistances } from "@/lib/numeric/distance-matrix";
import { computeKnn, knnFromMatrix, queryKnn } from "@/lib/numeric/tsne/knn";
import type { Matrix } from "@/lib/numeric/tsne/matrix";
import { randomMatrix } from "./helpers";

/** Every point's k nearest by sorting all distances: the obvious O(n² log n) answer. */
function bruteForce({ data, rows, cols }: Matrix, k: number): { indices: number[][]; distances: number[][] } {
  const indices: number[][] = [];
  const distances: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const all: [number, number][] = [];
    for (let j = 0; j < rows; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < cols; c++) s += (data[i * cols + c]! - data[j * cols + c]!) ** 2;
      all.push([s, j]);
    }
    all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    indices.push(all.slice(0, k).map(([, j]) => j));
    distances.push(all.slice(0, k).map(([d]) => d));
  }
  return { indices, distances };
}

describe("computeKnn", () => {
  it("finds exactly the brute-force neighbours, nearest first, across block boundaries", () => {
    const data = randomMatrix(300, 13, 5);
    const expected = bruteForce(data, 20);
    const graph = computeKnn(data, 20);
    for (let i = 0; i < data.rows; i++) {
      expect(Array.from(graph.indices.subarray(i * 20, i * 20 + 20))).toEqual(expected.indices[i]);
      const distances = Array.from(graph.distancesSq.subarray(i * 20, i * 20 + 20));
      distances.forEach((d, t) => expect(d).toBeCloseTo(expected.distances[i]![t]!, 4));
    }
  });

  it("allows k up to rows - 1 and rejects more", () => {
    const data = randomMatrix(10, 2, 6);
    expect(computeKnn(data, 9).indices.length).toBe(90);
    expect(() => computeKnn(data, 10)).toThrow("k must be an integer in 1..9 (rows - 1) (got 10)");
  });
});

describe("queryKnn", () => {
  it("gives the same neighbours as computeKnn for the queried rows", () => {
    const data = randomMatrix(200, 7, 7);
    const all = computeKnn(data, 15);
    const queries = Int32Array.of(0, 17, 199);
    const some = queryKnn(data, queries, 15);
    queries.forEach((row, q) => {
      expect(Array.from(some.indices.subarray(q * 15, q * 15 + 15))).toEqual(
        Array.from(all.indices.subarray(row * 15, row * 15 + 15)),
      );
    });
  });
});

describe("knnFromMatrix", () => {
  it("selects the brute-force neighbours from a whole distance matrix, ties by row, the same on 1 and 2 threads", () => {
    // Duplicated rows make exact ties (equal values bit for bit), which must go to the lower row number.
    const base = randomMatrix(150, 9, 8);
    const data = new Float32Array(300 * 9);
    data.set(base.data);
    data.set(base.data, 150 * 9);
    const matrix = { data, rows: 300, cols: 9 };
    const expected = bruteForce(matrix, 25);
    const graphs = [1, 2].map((threads) => knnFromMatrix(wholeDistances(data, 300, 9, threads), 25, { threads }));
    for (let i = 0; i < 300; i++) {
      expect(Array.from(graphs[0]!.indices.subarray(i * 25, i * 25 + 25))).toEqual(expected.indices[i]);
      const distances = Array.from(graphs[0]!.distancesSq.subarray(i * 25, i * 25 + 25));
      distances.forEach((d, t) => expect(d).toBeCloseTo(expected.distances[i]![t]!, 6));
    }
    expect(Array.from(graphs[1]!.indices)).toEqual(Array.from(graphs[0]!.indices));
    expect(Array.from(graphs[1]!.distancesSq)).toEqual(Array.from(graphs[0]!.distancesSq));
  });

  it("finds the neighbours when the strided sample's bound lets fewer than k rows through", () => {
    // 400 rows, k = 20: the sample is every 5th row. Those rows sit near each other and every other row far away, so
    // for them the bound lets through only sampled rows, fewer than k, and the whole row must be searched.
    const rows = 400;
    const noise = randomMatrix(rows, 2, 11);
    const data = new Float32Array(rows * 2);
    for (let l = 0; l < rows; l++) {
      data[2 * l] = (l % 5 === 0 ? 0 : 100) + noise.data[2 * l]!;
      data[2 * l + 1] = noise.data[2 * l + 1]!;
    }
    const expected = bruteForce({ data, rows, cols: 2 }, 20);
    const graph = knnFromMatrix(wholeDistances(data, rows, 2, 1), 20, { threads: 1 });
    for (let i = 0; i < rows; i++)
      expect(Array.from(graph.indices.subarray(i * 20, i * 20 + 20))).toEqual(expected.indices[i]);
    // The case the test is for: a sampled row's 20 nearest are all sampled rows.
    expect(expected.indices[0]!.every((j) => j % 5 === 0)).toBe(true);
  });

  it("refuses a matrix a later one has overwritten, and k past rows - 1", () => {
    const first = wholeDistances(randomMatrix(40, 3, 9).data, 40, 3, 1);
    expect(() => knnFromMatrix(first, 40)).toThrow("k must be an integer in 1..39 (rows - 1) (got 40)");
    wholeDistances(randomMatrix(40, 3, 10).data, 40, 3, 1);
    expect(() => knnFromMatrix(first, 5, { threads: 1 })).toThrow(/overwritten/);
  });
});

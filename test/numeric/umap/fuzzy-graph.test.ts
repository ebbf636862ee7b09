import { describe, expect, it } from "vitest";
import { fuzzySimplicialSet, smoothKnnDistances } from "@/lib/numeric/umap/fuzzy-graph";
import { computeKnn } from "@/lib/numeric/tsne/knn";
import { createRng } from "@/lib/numeric/random";
import { randomMatrix } from "../tsne/helpers";

/** The graph's weight from i to j, or 0 when there is no such edge. */
function weightOf(graph: ReturnType<typeof fuzzySimplicialSet>, i: number, j: number): number {
  for (let e = 0; e < graph.head.length; e++) if (graph.head[e] === i && graph.tail[e] === j) return graph.weight[e]!;
  return 0;
}

describe("smoothKnnDistances", () => {
  it("puts rho at the nearest non-zero distance and calibrates sigma so the memberships sum to log2(nNeighbors)", () => {
    const rng = createRng(5);
    const n = 40;
    const m = 14;
    const distances = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let j = 0; j < m; j++) {
        // Every fifth point has a duplicate: its nearest distance is 0, and rho is the next one.
        if (j > 0 || i % 5 !== 0) d += rng();
        distances[i * m + j] = d;
      }
    }
    const { rho, sigma } = smoothKnnDistances(distances, n, m, 15);
    for (let i = 0; i < n; i++) {
      const row = distances.subarray(i * m, i * m + m);
      expect(rho[i]).toBe(row.find((d) => d > 0));
      let sum = 0;
      for (const d of row) sum += d - rho[i]! > 0 ? Math.exp(-(d - rho[i]!) / sigma[i]!) : 1;
      expect(Math.abs(sum - Math.log2(15))).toBeLessThan(1e-4);
    }
  });
});

describe("fuzzySimplicialSet", () => {
  it("gives the hand-computed fuzzy union for four points on a line", () => {
    // Points 0, 1, 3, 7 with 2 neighbours each: the nearest gets membership 1, the second p with 1 + p = log2(3)
    // (to the binary search's tolerance, 1e-5 on the sum).
    const input = { data: Float32Array.of(0, 1, 3, 7), rows: 4, cols: 1 };
    const graph = fuzzySimplicialSet(computeKnn(input, 2), 4, 3);
    const p = Math.log2(3) - 1;
    const expected: [number, number, number][] = [
      [0, 1, 1],
      [0, 2, p + p - p * p],
      [1, 2, 1 + p - p],
      [1, 3, p],
      [2, 3, 1],
    ];
    expect(graph.head.length).toBe(2 * expected.length);
    for (const [i, j, w] of expected) {
      expect(weightOf(graph, i, j)).toBeCloseTo(w, 4);
      expect(weightOf(graph, j, i)).toBeCloseTo(w, 4);
    }
  });

  it("is symmetric, holds weights in (0, 1] and lists rows in order with columns ascending", () => {
    const input = randomMatrix(300, 8, 9);
    const graph = fuzzySimplicialSet(computeKnn(input, 14), 300, 15);
    const byPair = new Map<number, number>();
    const problems: string[] = [];
    for (let e = 0; e < graph.head.length; e++) {
      const i = graph.head[e]!;
      const j = graph.tail[e]!;
      const w = graph.weight[e]!;
      if (!(w > 0 && w <= 1)) problems.push(`edge ${i}-${j} has weight ${w}`);
      if (i === j) problems.push(`self-edge at ${i}`);
      if (e > 0 && i * 300 + j <= graph.head[e - 1]! * 300 + graph.tail[e - 1]!)
        problems.push(`edge ${e} out of order`);
      byPair.set(i * 300 + j, w);
    }
    for (const [key, w] of byPair) {
      const [i, j] = [Math.floor(key / 300), key % 300];
      if (byPair.get(j * 300 + i) !== w) problems.push(`${i}-${j} is ${w} but ${j}-${i} is ${byPair.get(j * 300 + i)}`);
    }
    expect(problems).toEqual([]);
    // Every point keeps its 14 out-edges; the union adds the reverse of one-way neighbours.
    expect(graph.head.length).toBeGreaterThanOrEqual(300 * 14);
  });

  it("uses only the first nNeighbors - 1 columns of a wider graph", () => {
    const input = randomMatrix(120, 5, 2);
    const narrow = fuzzySimplicialSet(computeKnn(input, 9), 120, 10);
    const wide = fuzzySimplicialSet(computeKnn(input, 30), 120, 10);
    expect(wide).toEqual(narrow);
  });
});

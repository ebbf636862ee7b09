// The grid's 2-D neighbours must be computeKnn's exactly: the quality figures' trustworthiness counts on their order.
import { describe, expect, it } from "vitest";
import { computeKnn } from "@/lib/numeric/tsne/knn";
import { layoutKnn } from "@/lib/numeric/tsne/knn-2d";
import { createRng } from "@/lib/numeric/random";

function layout(rows: number, point: (rng: () => number, i: number) => [number, number]) {
  const rng = createRng(rows);
  const data = new Float32Array(rows * 2);
  for (let i = 0; i < rows; i++) data.set(point(rng, i), 2 * i);
  return { data, rows, cols: 2 };
}

describe("layoutKnn", () => {
  const cases = {
    "spread-out points": layout(1500, (rng) => [rng() * 40 - 20, rng() * 7]),
    // t-SNE-like: tight clusters far apart, with empty space between them.
    clusters: layout(1200, (rng, i) => [(i % 6) * 50 + rng(), Math.floor(i / 400) * 80 + rng() * 0.5]),
    // Duplicates and a lattice: many exact ties, which must go to the lower row number.
    "ties on a lattice": layout(900, (rng, i) => [i % 7, Math.floor(rng() * 5)]),
    "one line": layout(400, (rng) => [0, rng()]),
    "every point the same": layout(30, () => [3, 3]),
  };
  for (const [name, points] of Object.entries(cases)) {
    it(`gives computeKnn's neighbours and distances exactly: ${name}`, () => {
      for (const k of [1, 10, Math.min(25, points.rows - 1)]) {
        const grid = layoutKnn(points, k);
        const panels = computeKnn(points, k, { threads: 1 });
        expect(Array.from(grid.indices)).toEqual(Array.from(panels.indices));
        expect(Array.from(grid.distancesSq)).toEqual(Array.from(panels.distancesSq));
      }
    });
  }

  it("rejects k past rows - 1, a non-2-D layout and a non-finite point", () => {
    const points = cases["spread-out points"];
    expect(() => layoutKnn(points, 1500)).toThrow("k must be an integer in 1..1499 (rows - 1) (got 1500)");
    expect(() => layoutKnn({ data: points.data, rows: 1000, cols: 3 }, 5)).toThrow("layoutKnn takes 2 columns (got 3)");
    const bad = layout(10, () => [1, 2]);
    bad.data[7] = Number.NaN;
    expect(() => layoutKnn(bad, 3)).toThrow("row 3 of the layout is not finite");
  });
});

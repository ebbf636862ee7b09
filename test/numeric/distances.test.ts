import { describe, expect, it } from "vitest";
import { forEachDistanceFrom, forEachRowPair } from "../../lib/numeric/distances";
import { createRng } from "../../lib/numeric/random";

function randomRows(rows: number, cols: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: rows * cols }, () => Math.round(rng() * 8) / 4);
}

/** The plain loop: Σ_c (x_c − y_c)² in column order. */
function plain(data: ArrayLike<number>, cols: number, x: number, y: number): number {
  let s = 0;
  for (let c = 0; c < cols; c++) s += (data[x * cols + c]! - data[y * cols + c]!) ** 2;
  return s;
}

describe("forEachRowPair", () => {
  it("in near-first order visits each pair once across blocks, with the plain loop's squared distance", () => {
    for (const rows of [0, 1, 63, 64, 65, 131, 200]) {
      const cols = 3 + (rows % 5);
      const data = randomRows(rows, cols, rows + 1);
      const seen = new Set<number>();
      forEachRowPair(
        data,
        rows,
        cols,
        (x, y, d) => {
          expect(x).toBeLessThan(y);
          expect(d).toBe(plain(data, cols, x, y));
          seen.add(x * rows + y);
        },
        { order: "near-first" },
      );
      expect(seen.size).toBe((rows * Math.max(0, rows - 1)) / 2);
    }
  });

  it("skips a pair only when it is at least as far as both rows' limits", () => {
    const rows = 150;
    const cols = 20;
    const data = randomRows(rows, cols, 9);
    const rng = createRng(10);
    const limits = Float64Array.from({ length: rows }, () => rng() * 8);
    for (const order of ["ascending", "near-first"] as const) {
      const visited = new Set<number>();
      forEachRowPair(data, rows, cols, (x, y) => visited.add(x * rows + y), { order, limits });
      let skipped = 0;
      for (let x = 0; x < rows; x++) {
        for (let y = x + 1; y < rows; y++) {
          if (visited.has(x * rows + y)) continue;
          skipped++;
          expect(plain(data, cols, x, y), `${order}: ${x}, ${y}`).toBeGreaterThanOrEqual(
            Math.max(limits[x]!, limits[y]!),
          );
        }
      }
      expect(skipped).toBeGreaterThan(0);
    }
  });

  it("rejects data of the wrong size and limits of the wrong length, naming the sizes", () => {
    expect(() => forEachRowPair(new Float64Array(6), 4, 2, () => {})).toThrow("data has 6 values, expected 4 x 2");
    expect(() => forEachRowPair(new Float64Array(8), 4, 2, () => {}, { limits: new Float64Array(3) })).toThrow(
      "limits has 3 values, expected 4",
    );
  });
});

describe("forEachDistanceFrom", () => {
  it("visits every other row in ascending order with the plain loop's squared distance, float32 rows as they are", () => {
    const rows = 23;
    const cols = 11;
    const data = Float32Array.from(randomRows(rows, cols, 3));
    for (const x of [0, 7, 22]) {
      const partners: number[] = [];
      forEachDistanceFrom(data, rows, cols, x, (y, d) => {
        expect(d).toBe(plain(data, cols, x, y));
        partners.push(y);
      });
      expect(partners).toEqual(Array.from({ length: rows }, (_, y) => y).filter((y) => y !== x));
    }
  });

  it("with limits skips only rows at least as far as the row's own limit", () => {
    const rows = 40;
    const cols = 24;
    const data = randomRows(rows, cols, 4);
    const limits = new Float64Array(rows).fill(-Infinity);
    limits[5] = 6;
    const visited = new Set<number>();
    forEachDistanceFrom(data, rows, cols, 5, (y) => visited.add(y), limits);
    for (let y = 0; y < rows; y++)
      if (y !== 5 && !visited.has(y)) expect(plain(data, cols, 5, y)).toBeGreaterThanOrEqual(6);
    expect(visited.size).toBeLessThan(rows - 1);
    expect(() => forEachDistanceFrom(data, rows, cols, 40, () => {})).toThrow("row 40 is not in 0..39");
  });
});

// The dot-form distance panels: within their stated bound of the plain distances, exact for a row against itself and
// for duplicate rows, the same on any thread count through computeKnn and queryKnn.
import { afterAll, describe, expect, it } from "vitest";
import { distanceMatrix } from "../../lib/numeric/distance-matrix";
import { distancePanel, exactDistanceSq, exactDistancesSq, prepareRows } from "../../lib/numeric/distance-panel";
import { computeKnn, queryKnn } from "../../lib/numeric/tsne/knn";
import { getPool } from "../../lib/numeric/parallel";
import { createRng } from "../../lib/numeric/random";
import { mnistTestDigits } from "./tsne/helpers";

/** ReLU-like rows: a third of the values exactly 0, column 3 dead in every row, rows 10 and 11 copies of row 2. */
function reluRows(rows: number, cols: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  const data = Float32Array.from({ length: rows * cols }, (_, i) =>
    i % cols === 3 ? 0 : Math.max(0, rng() - 0.33) * scale,
  );
  data.copyWithin(10 * cols, 2 * cols, 3 * cols);
  data.copyWithin(11 * cols, 2 * cols, 3 * cols);
  return data;
}

function plainLoop(data: Float32Array | Float64Array, cols: number, i: number, l: number): number {
  let s = 0;
  for (let c = 0; c < cols; c++) s += (data[i * cols + c]! - data[l * cols + c]!) ** 2;
  return s;
}

describe("distance panels", () => {
  afterAll(() => getPool(2).close());

  it("stay within the stated bound of the plain distances, in float32 and float64, with dead columns dropped", () => {
    for (const [rows, cols, scale] of [
      [70, 37, 1],
      [45, 130, 1e-3],
      [33, 9, 1e4],
      // Wider than the float32 tile takes: float32 rows on the float64 tile.
      [14, 1100, 1],
    ] as const) {
      const f32 = reluRows(rows, cols, rows, scale);
      for (const data of [f32, Float64Array.from(f32)]) {
        const p = prepareRows(data, rows, cols);
        expect(p.data).toBeInstanceOf(data.constructor);
        expect(p.precision).toBe(data instanceof Float32Array && cols <= 1024 ? "float32" : "float64");
        expect(p.cols).toBeLessThan(cols + 4);
        const { panel, stride } = distancePanel(p, 0, rows);
        for (let i = 0; i < rows; i++) {
          for (let l = 0; l < rows; l++) {
            const plain = plainLoop(data, cols, i, l);
            // Dropping dead columns and padding leave the plain sum's bits alone.
            expect(exactDistanceSq(p, i, l)).toBe(plain);
            const bound = p.slack * (p.norms[i]! + p.norms[l]!) + p.tiny;
            expect(Math.abs(panel[i * stride + l]! - plain)).toBeLessThanOrEqual(bound);
          }
          expect(panel[i * stride + i]).toBe(0);
          // Duplicate rows: equal panel values, bit for bit, from every row.
          expect(panel[i * stride + 10]).toBe(panel[i * stride + 2]);
        }
      }
    }
  });

  it("give the same values for a block of query rows as for the rows in order, and plain distances four at a time", () => {
    const rows = 50;
    const cols = 21;
    const p = prepareRows(reluRows(rows, cols, 4), rows, cols);
    const all = distancePanel(p, 0, rows);
    const copy = Float64Array.from(all.panel);
    const queries = Int32Array.of(49, 0, 17, 2, 10);
    const some = distancePanel(p, 1, 3, queries);
    for (let r = 0; r < 3; r++)
      for (let l = 0; l < rows; l++)
        expect(some.panel[r * some.stride + l]).toBe(copy[queries[1 + r]! * all.stride + l]);
    const out = new Float64Array(queries.length);
    exactDistancesSq(p, 7, queries, queries.length, out);
    expect(Array.from(out)).toEqual(Array.from(queries, (l) => exactDistanceSq(p, 7, l)));
  });

  it("give the whole matrix from half the tiles, mirrored: the panel values bit for bit, on one and two threads", () => {
    // 150 rows: two full chunks of 64 and a short one; float32 and float64 tiles.
    const rows = 150;
    const f32 = reluRows(rows, 45, 8);
    for (const data of [f32, Float64Array.from(f32)]) {
      const one = prepareRows(data, rows, 45);
      const { panel, stride } = distancePanel(one, 0, rows);
      const expected = Float64Array.from(
        { length: rows * rows },
        (_, at) => panel[Math.floor(at / rows) * stride + (at % rows)]!,
      );
      expect(Array.from(distanceMatrix(one, 1))).toEqual(Array.from(expected));
      const two = distanceMatrix(prepareRows(data, rows, 45, { shared: true }), 2);
      expect(two.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(two)).toEqual(Array.from(expected));
    }
  });

  it("reject data of the wrong size, naming the sizes", () => {
    expect(() => prepareRows(new Float32Array(5), 2, 3)).toThrow("data has 5 values, expected 2 x 3");
  });
});

describe("computeKnn and queryKnn on the panels", () => {
  it("give the same graph on one and two threads, and queryKnn's many queries the rows of computeKnn", () => {
    const { matrix } = mnistTestDigits(600);
    matrix.data.copyWithin(5 * 784, 9 * 784, 10 * 784);
    const one = computeKnn(matrix, 12, { threads: 1 });
    const two = computeKnn(matrix, 12, { threads: 2 });
    expect(Array.from(two.indices)).toEqual(Array.from(one.indices));
    expect(Array.from(two.distancesSq)).toEqual(Array.from(one.distancesSq));
    // The duplicate pair: each other's nearest, at distance 0.
    expect(one.indices[5 * 12]).toBe(9);
    expect(one.distancesSq[9 * 12]).toBe(0);
    const queries = Int32Array.from({ length: 300 }, (_, q) => (q * 7) % 600);
    const some = queryKnn(matrix, queries, 12, { threads: 2 });
    queries.forEach((row, q) =>
      expect(Array.from(some.indices.subarray(q * 12, q * 12 + 12))).toEqual(
        Array.from(one.indices.subarray(row * 12, row * 12 + 12)),
      ),
    );
    expect(() => queryKnn(matrix, Int32Array.of(600), 3)).toThrow("query row 600 is not in 0..599");
  });
});

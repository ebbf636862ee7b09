import { afterAll, describe, expect, it } from "vitest";
import { createRng } from "../../../lib/numeric/random";
import { pairSeparation } from "../../../lib/numeric/metrics/pairs";
import { forEachRowPair } from "../../../lib/numeric/distances";
import { allPairSeparations, gatherClassNeighbours } from "../../../lib/numeric/pairs/separation";
import { getPool } from "../../../lib/numeric/parallel";
import { mnistTestDigits } from "../tsne/helpers";

/**
 * pairSeparation as it was first written (full distance matrix, a sort per point): the definition the stored and the
 * faster figures must reproduce bit for bit.
 */
function referenceSeparation(data: Float32Array, cols: number, labels: Uint8Array, a: number, b: number, k = 10) {
  const members: number[] = [];
  labels.forEach((l, i) => {
    if (l === a || l === b) members.push(i);
  });
  const m = members.length;
  const countA = members.filter((i) => labels[i] === a).length;
  if (countA < 2 || m - countA < 2) return { knnPurity: Number.NaN, silhouette: Number.NaN, count: m };
  const kk = Math.min(k, m - 1);
  const dist = new Float64Array(m * m);
  for (let x = 0; x < m; x++) {
    const ox = members[x]! * cols;
    for (let y = x + 1; y < m; y++) {
      const oy = members[y]! * cols;
      let s = 0;
      for (let c = 0; c < cols; c++) {
        const d = data[ox + c]! - data[oy + c]!;
        s += d * d;
      }
      dist[x * m + y] = Math.sqrt(s);
      dist[y * m + x] = Math.sqrt(s);
    }
  }
  let puritySum = 0;
  let silhouetteSum = 0;
  const order = new Int32Array(m - 1);
  for (let x = 0; x < m; x++) {
    const own = labels[members[x]!];
    let j = 0;
    let sameSum = 0;
    let otherSum = 0;
    let sameCount = 0;
    for (let y = 0; y < m; y++) {
      if (y === x) continue;
      order[j++] = y;
      if (labels[members[y]!] === own) {
        sameSum += dist[x * m + y]!;
        sameCount++;
      } else otherSum += dist[x * m + y]!;
    }
    order.sort((p, q) => dist[x * m + p]! - dist[x * m + q]! || p - q);
    let same = 0;
    for (let t = 0; t < kk; t++) if (labels[members[order[t]!]!] === own) same++;
    puritySum += same / kk;
    const intra = sameSum / sameCount;
    const inter = otherSum / (m - 1 - sameCount);
    silhouetteSum += (inter - intra) / Math.max(inter, intra) || 0;
  }
  return { knnPurity: puritySum / m, silhouette: silhouetteSum / m, count: m };
}

/** Rows of ten overlapping digit clusters; `coarse` rounds values to a few levels so distances tie often, and a few rows repeat. */
function digitCloud(rows: number, cols: number, seed: number, coarse = false) {
  const rng = createRng(seed);
  const labels = Uint8Array.from({ length: rows }, () => Math.floor(rng() * 10));
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = labels[r]! * 0.15 * ((c % 3) - 1) + rng() * 2 - 1;
      // ReLU-like: about a third of the values are exactly 0, as in the hidden layers.
      data[r * cols + c] = coarse ? Math.max(0, Math.round(v * 2)) : Math.max(0, v + 0.3);
    }
  }
  if (coarse) for (let r = 5; r < rows; r += 17) data.copyWithin(r * cols, (r - 5) * cols, (r - 4) * cols);
  return { data, labels };
}

describe("pair separation, fast and exact", () => {
  afterAll(() => getPool(2).close());

  it("forEachRowPair visits each pair once, every row's partners in ascending order, with the plain loop's distances", () => {
    for (const rows of [0, 1, 2, 3, 5, 6, 7, 8, 11, 12]) {
      const cols = 3 + (rows % 4);
      const { data } = digitCloud(rows, cols, rows + 1);
      const seen = Array.from({ length: rows }, () => [] as number[]);
      let visits = 0;
      forEachRowPair(Float64Array.from(data), rows, cols, (x, y, distanceSq) => {
        const d = Math.sqrt(distanceSq);
        visits++;
        expect(x).toBeLessThan(y);
        let s = 0;
        for (let c = 0; c < cols; c++) s += (data[x * cols + c]! - data[y * cols + c]!) ** 2;
        expect(d).toBe(Math.sqrt(s));
        seen[x]!.push(y);
        seen[y]!.push(x);
      });
      expect(visits).toBe((rows * Math.max(0, rows - 1)) / 2);
      seen.forEach((partners, p) =>
        expect(partners).toEqual(Array.from({ length: rows }, (_, q) => q).filter((q) => q !== p)),
      );
    }
  });

  it("pairSeparation gives the original full-matrix-and-sort version's purity exactly, ties included, and its silhouette within 1e-12", () => {
    for (const [seed, coarse] of [
      [1, false],
      [2, true],
      [3, true],
    ] as const) {
      const { data, labels } = digitCloud(160, 24, seed, coarse);
      for (const [a, b, k] of [
        [4, 9, 10],
        [3, 5, 1],
        [0, 1, 7],
        [2, 7, 40],
      ] as const) {
        // Silhouette sums add dot-form distances (separation.ts): the last bits differ from the plain loop's.
        const fast = pairSeparation(data, 24, labels, a, b, k);
        const reference = referenceSeparation(data, 24, labels, a, b, k);
        const what = `seed ${seed}, ${a}/${b}, k ${k}`;
        expect(fast.knnPurity, what).toBe(reference.knnPurity);
        expect(fast.count, what).toBe(reference.count);
        expect(Math.abs(fast.silhouette - reference.silhouette), what).toBeLessThan(1e-12);
      }
    }
  });

  it("allPairSeparations gives every one of the 45 pairs exactly as pairSeparation does on the same rows", () => {
    const { data, labels } = digitCloud(300, 16, 4, true);
    const all = allPairSeparations(Float64Array.from(data), 300, 16, labels, 10);
    expect(all).toHaveLength(45);
    expect(all.map((p) => `${p.a}-${p.b}`)).toEqual(
      Array.from({ length: 10 }, (_, a) => Array.from({ length: 9 - a }, (_, i) => `${a}-${a + 1 + i}`)).flat(),
    );
    for (const { a, b, ...score } of all)
      expect(score, `${a}/${b}`).toEqual(pairSeparation(data, 16, labels, a, b, 10));
  });

  it("gives the same 45 pairs on one and two threads, panel by panel or from the whole matrix, on MNIST digits with repeated rows", () => {
    const { matrix, labels } = mnistTestDigits(400);
    for (let r = 9; r < 400; r += 31) matrix.data.copyWithin(r * 784, (r - 9) * 784, (r - 8) * 784);
    const data = Float64Array.from(matrix.data);
    const one = allPairSeparations(data, 400, 784, labels, 10, { threads: 1 });
    expect(allPairSeparations(data, 400, 784, labels, 10, { threads: 2 })).toEqual(one);
    // Panel by panel (what sets past MATRIX_MAX_ROWS get) or from the whole matrix: the same neighbours and sums.
    for (const threads of [1, 2]) {
      const [panels, whole] = [false, true].map((wholeMatrix) =>
        gatherClassNeighbours(data, 400, 784, labels, 10, 10, { threads, wholeMatrix }),
      );
      expect(whole).toEqual(panels);
    }
    const [a, b] = [4, 9];
    const reference = referenceSeparation(matrix.data, 784, labels, a, b);
    const fast = one.find((p) => p.a === a && p.b === b)!;
    expect(fast.knnPurity).toBe(reference.knnPurity);
    expect(Math.abs(fast.silhouette - reference.silhouette)).toBeLessThan(1e-12);
  });

  it("orders near-ties by their plain distances where the dot form's cancellation cannot (large norms, tiny gaps)", () => {
    // 90 rows of 3 classes: half within 1e-5 of one far point (their dot-form distances are rounding noise), half
    // spread out; each row's k nearest per class must still follow the plain distances, ties by row.
    const [rows, cols, k] = [90, 24, 4];
    const rng = createRng(17);
    const data = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) data[r * cols + c] = r % 2 ? 1000 + c + 1e-5 * rng() : 1000 * rng();
    data.copyWithin(7 * cols, 5 * cols, 6 * cols);
    const labels = Uint8Array.from({ length: rows }, (_, r) => r % 3);
    const stats = gatherClassNeighbours(data, rows, cols, labels, 3, k, { threads: 1 });
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < 3; c++) {
        const plain = Array.from({ length: rows }, (_, l) => l)
          .filter((l) => l !== i && labels[l] === c)
          .map((l) => {
            let d = 0;
            for (let x = 0; x < cols; x++) d += (data[i * cols + x]! - data[l * cols + x]!) ** 2;
            return { l, d: Math.sqrt(d) };
          })
          .sort((x, y) => x.d - y.d || x.l - y.l);
        const at = (i * 3 + c) * k;
        expect(Array.from(stats.nearRow.subarray(at, at + k)), `row ${i}, class ${c}`).toEqual(
          plain.slice(0, k).map((x) => x.l),
        );
      }
    }
  });

  it("a class with fewer than two points scores NaN, and the count still counts both classes", () => {
    const labels = Uint8Array.from([4, 4, 4, 9, 1, 1]);
    const data = Float64Array.from({ length: 12 }, (_, i) => i);
    const byPair = new Map(allPairSeparations(data, 6, 2, labels, 10).map((p) => [`${p.a}-${p.b}`, p]));
    expect(byPair.get("4-9")).toMatchObject({ knnPurity: Number.NaN, silhouette: Number.NaN, count: 4 });
    // 1/4: two 1s after three 4s on a line, k capped at m - 1 = 4.
    expect(byPair.get("1-4")).toEqual({ a: 1, b: 4, ...pairSeparation(Float32Array.from(data), 2, labels, 1, 4) });
    expect(byPair.get("1-4")!.knnPurity).toBeCloseTo((2 / 4 + 2 / 4 + 2 / 4 + 1 / 4 + 1 / 4) / 5, 15);
    expect(byPair.get("0-2")!.count).toBe(0);
  });

  it("rejects a bad k, mismatched labels and out-of-range classes, naming the value", () => {
    const data = new Float64Array(6);
    expect(() => gatherClassNeighbours(data, 3, 2, Uint8Array.from([0, 1, 0]), 2, 0)).toThrow(
      "k must be a whole number ≥ 1, got 0",
    );
    expect(() => gatherClassNeighbours(data, 3, 2, Uint8Array.from([0, 1]), 2, 3)).toThrow(
      "labels has 2 entries, expected 3",
    );
    expect(() => gatherClassNeighbours(data, 3, 2, Uint8Array.from([0, 1, 10]), 10, 3)).toThrow(
      "label 10 of row 2 is not below 10",
    );
    expect(() => forEachRowPair(data, 4, 2, () => {})).toThrow("data has 6 values, expected 4 x 2");
  });
});

import { describe, expect, it } from "vitest";
import { symmetricEigen, topEigen } from "@/lib/tsne/eigen";
import { pca, pca2d } from "@/lib/tsne/pca";
import { createRng } from "@/lib/random";
import { gaussian, randomMatrix } from "./helpers";

describe("symmetricEigen", () => {
  it("decomposes a matrix so that A v = λ v with orthonormal vectors, largest λ first", () => {
    const n = 30;
    const m = randomMatrix(n, n, 8).data;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = m[i * n + j]! + m[j * n + i]!;
    const { values, vectors } = symmetricEigen(a, n);
    for (let j = 0; j < n; j++) {
      if (j > 0) expect(values[j]!).toBeLessThanOrEqual(values[j - 1]!);
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let c = 0; c < n; c++) av += a[i * n + c]! * vectors[j * n + c]!;
        expect(av).toBeCloseTo(values[j]! * vectors[j * n + i]!, 9);
      }
      let dot = 0;
      for (let c = 0; c < n; c++) dot += vectors[j * n + c]! * vectors[((j + 1) % n) * n + c]!;
      expect(dot).toBeCloseTo(0, 10);
    }
  });
});

describe("topEigen", () => {
  it("agrees with the full decomposition on the leading eigenvalues of a 200 × 200 covariance", () => {
    const x = randomMatrix(400, 200, 9);
    const cov = new Float64Array(200 * 200);
    for (let r = 0; r < 400; r++) {
      for (let a = 0; a < 200; a++) {
        for (let b = 0; b < 200; b++) cov[a * 200 + b] = cov[a * 200 + b]! + (x.data[r * 200 + a]! * x.data[r * 200 + b]!) / 400;
      }
    }
    const full = symmetricEigen(cov, 200);
    const top = topEigen(cov, 200, 20);
    for (let j = 0; j < 20; j++) expect(top.values[j]!).toBeCloseTo(full.values[j]!, 8);
  });
});

describe("pca", () => {
  it("recovers the axes of an elongated Gaussian cloud with their variances", () => {
    const rng = createRng(10);
    const rows = 4000;
    const data = new Float32Array(rows * 3);
    // Standard deviations 5, 2, 0.5 along the axes (1, 1, 0)/√2, (1, -1, 0)/√2 and z.
    for (let r = 0; r < rows; r++) {
      const [u, v, w] = [5 * gaussian(rng), 2 * gaussian(rng), 0.5 * gaussian(rng)];
      data[r * 3] = (u + v) / Math.SQRT2 + 10;
      data[r * 3 + 1] = (u - v) / Math.SQRT2 - 3;
      data[r * 3 + 2] = w;
    }
    const result = pca({ data, rows, cols: 3 }, 2);
    // Sample variances of 4,000 draws: standard errors about 0.6 and 0.09.
    expect(Math.abs(result.explainedVariance[0]! - 25)).toBeLessThan(2);
    expect(Math.abs(result.explainedVariance[1]! - 4)).toBeLessThan(0.4);
    expect(Math.abs(result.components[0]!)).toBeCloseTo(Math.SQRT1_2, 2);
    expect(Math.abs(result.components[3]!)).toBeCloseTo(Math.SQRT1_2, 2);
    expect(result.mean[0]!).toBeCloseTo(10, 0);
    expect(result.projected.cols).toBe(2);
  });

  it("pca2d gives [rows, 2] centred coordinates with the first column carrying the most variance", () => {
    const x = randomMatrix(500, 6, 11);
    for (let r = 0; r < 500; r++) x.data[r * 6 + 4] = x.data[r * 6 + 4]! * 10;
    const layout = pca2d(x);
    expect(layout.length).toBe(1000);
    let [sum0, sum1, sq0, sq1] = [0, 0, 0, 0];
    for (let r = 0; r < 500; r++) {
      sum0 += layout[2 * r]!;
      sum1 += layout[2 * r + 1]!;
      sq0 += layout[2 * r]! ** 2;
      sq1 += layout[2 * r + 1]! ** 2;
    }
    expect(sum0 / 500).toBeCloseTo(0, 4);
    expect(sum1 / 500).toBeCloseTo(0, 4);
    expect(sq0).toBeGreaterThan(10 * sq1);
  });

  it("names the bad component count", () => {
    expect(() => pca(randomMatrix(5, 3, 12), 4)).toThrow("components must be an integer in 1..3 (got 4)");
  });
});

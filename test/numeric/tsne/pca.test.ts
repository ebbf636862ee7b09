import { describe, expect, it } from "vitest";
import { symmetricEigen, topEigen } from "@/lib/numeric/tsne/eigen";
import { getPool } from "@/lib/numeric/parallel";
import { columnMeans, covarianceMatrix, pca, pca2d, type PcaResult } from "@/lib/numeric/tsne/pca";
import type { Matrix } from "@/lib/numeric/tsne/matrix";
import { selectProbeIndices } from "@/lib/mnist/probe";
import { createRng } from "@/lib/numeric/random";
import { covarianceOf, downsample14, gaussian, jacobiEigen, mnistTestDigits, pickRows, randomMatrix } from "./helpers";

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
        for (let b = 0; b < 200; b++)
          cov[a * 200 + b] = cov[a * 200 + b]! + (x.data[r * 200 + a]! * x.data[r * 200 + b]!) / 400;
      }
    }
    const full = symmetricEigen(cov, 200);
    const top = topEigen(cov, 200, 20);
    for (let j = 0; j < 20; j++) expect(top.values[j]!).toBeCloseTo(full.values[j]!, 8);
  });

  it("continues past a Lanczos breakdown: the covariance of 100 real digits (rank 99 of 784) gives numpy's top 50", () => {
    const { covariance } = covarianceOf(probeOf500());
    const top = topEigen(covariance, 784, 50);
    expectOrthonormalRows(top.vectors, 50, 784);
    NUMPY_TOP10.forEach((value, j) => expect(Math.abs(top.values[j]! - value)).toBeLessThan(1e-9));
    expect(Math.abs(top.values[49]! - NUMPY_50TH)).toBeLessThan(1e-9);
    // Each pair satisfies A·v = λ·v.
    for (const j of [0, 25, 49]) {
      for (let i = 0; i < 784; i += 7) {
        let av = 0;
        for (let c = 0; c < 784; c++) av += covariance[i * 784 + c]! * top.vectors[j * 784 + c]!;
        expect(Math.abs(av - top.values[j]! * top.vectors[j * 784 + i]!)).toBeLessThan(1e-9);
      }
    }
  });

  it("finds every copy of a repeated eigenvalue once the Krylov space is exhausted", () => {
    // diag(5, 5, 5, 4, 4, 3, 0, …, 0): one Krylov space holds one vector per distinct eigenvalue.
    const n = 100;
    const a = new Float64Array(n * n);
    [5, 5, 5, 4, 4, 3].forEach((value, i) => (a[i * n + i] = value));
    const top = topEigen(a, n, 8);
    expect(Array.from(top.values, (v) => Math.round(v * 1e9) / 1e9)).toEqual([5, 5, 5, 4, 4, 3, 0, 0]);
    expectOrthonormalRows(top.vectors, 8, n);
  });
});

describe("symmetricEigen on tiny entries", () => {
  it("stays finite when the squares of the entries underflow, scaling its eigenvalues with the matrix", () => {
    const n = 12;
    const m = randomMatrix(n, n, 21).data;
    const b = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i * n + j] = m[i * n + j]! + m[j * n + i]!;
    const scale = 1e-170;
    const reference = symmetricEigen(b, n);
    const tiny = symmetricEigen(
      b.map((v) => v * scale),
      n,
    );
    expect(tiny.vectors.every(Number.isFinite)).toBe(true);
    for (let j = 0; j < n; j++) expect(Math.abs(tiny.values[j]! / scale - reference.values[j]!)).toBeLessThan(1e-9);
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

  it("builds the covariance from the SIMD tile (dense data) and from the non-zero entries (sparse data), on 1 and 2 threads, as the plain sums give it", () => {
    const rng = createRng(31);
    for (const density of [0.05, 0.5]) {
      const rows = 301;
      const cols = 67;
      const data = new Float32Array(rows * cols).map(() => (rng() < density ? rng() * 4 - 1 : 0));
      const input = { data, rows, cols };
      const mean = columnMeans(input);
      const expected = covarianceOf(input).covariance;
      const scale = Math.max(...expected.map(Math.abs));
      const [one, two] = [1, 2].map((threads) => covarianceMatrix(input, mean, getPool(threads)));
      expect(Array.from(two!)).toEqual(Array.from(one!));
      for (let a = 0; a < cols; a++)
        for (let b = 0; b <= a; b++)
          expect(Math.abs(one![a * cols + b]! - expected[a * cols + b]!)).toBeLessThan(1e-12 * scale);
    }
  });

  it("names the bad component count", () => {
    expect(() => pca(randomMatrix(5, 3, 12), 4)).toThrow("components must be an integer in 1..3 (got 4)");
  });
});

/** numpy.linalg.eigh of the covariance of `probeOf500()` (float64 from the same float32 pixels), descending. */
const NUMPY_TOP10 = [
  5.6610305979, 4.5068808578, 3.8858254994, 2.8069911105, 2.2833202243, 2.1033089846, 1.8945134209, 1.5362265106,
  1.4700118872, 1.3623872702,
];
const NUMPY_50TH = 0.15054081059081587;
const NUMPY_SUM_TOP50 = 46.742245172298865;
const NUMPY_99TH = 0.013742902824748469;
/** numpy's projections of rows 0 and 99 on the first five axes, each axis signed so its largest entry is positive. */
const NUMPY_ROW0 = [-1.5232374291, 0.9183258928, 2.4126194976, 0.7057477303, 0.03040307];
const NUMPY_ROW99 = [5.6916701525, -0.6822724007, -1.8775636383, 1.1612660395, 2.9744627015];

/** A 100-digit probe (stratified, probe seed 0) of the first 500 test digits: pixels / 255 [100, 784]. */
function probeOf500(): Matrix {
  const { matrix, labels } = mnistTestDigits(500);
  return pickRows(matrix, selectProbeIndices(labels, 100, 0));
}

function expectOrthonormalRows(vectors: Float64Array, count: number, cols: number): void {
  for (let i = 0; i < count; i++) {
    for (let j = 0; j <= i; j++) {
      let dot = 0;
      for (let c = 0; c < cols; c++) dot += vectors[i * cols + c]! * vectors[j * cols + c]!;
      expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-9);
    }
  }
}

/**
 * The properties every PCA result must have, whatever its rank: finite everywhere; the first `rank` axes orthonormal,
 * the rest zero; variances positive and descending up to `rank`, zero after; projected = (X - μ)·axesᵀ, with each
 * column's sample variance equal to its explained variance.
 */
function expectSoundPca(input: Matrix, result: PcaResult, components: number): void {
  const { rows, cols } = input;
  const { rank } = result;
  expect(result.projected.data.every(Number.isFinite)).toBe(true);
  expect(result.components.every(Number.isFinite)).toBe(true);
  expect(result.explainedVariance.every(Number.isFinite)).toBe(true);
  expect(rank).toBeLessThanOrEqual(Math.min(rows - 1, cols, components));
  expectOrthonormalRows(result.components, rank, cols);
  expect(result.components.subarray(rank * cols).every((v) => v === 0)).toBe(true);
  for (let j = 0; j < components; j++) {
    const variance = result.explainedVariance[j]!;
    if (j >= rank) expect(variance).toBe(0);
    else {
      expect(variance).toBeGreaterThan(0);
      if (j > 0) expect(variance).toBeLessThanOrEqual(result.explainedVariance[j - 1]!);
    }
    let sumSquares = 0;
    for (let r = 0; r < rows; r++) {
      let expected = 0;
      for (let c = 0; c < cols; c++)
        expected += (input.data[r * cols + c]! - result.mean[c]!) * result.components[j * cols + c]!;
      const got = result.projected.data[r * components + j]!;
      if (j >= rank) expect(Math.abs(got)).toBe(0);
      expect(Math.abs(got - expected)).toBeLessThan(1e-5 * (1 + Math.abs(expected)));
      sumSquares += got * got;
    }
    if (rows > 1) expect(Math.abs(sumSquares / (rows - 1) - variance)).toBeLessThan(1e-5 * (1 + variance));
  }
}

/** Compares `result` with the Jacobi decomposition of the covariance: every variance, and the first `axes` coordinates up to sign. */
function expectMatchesJacobi(input: Matrix, result: PcaResult, components: number, axes: number): void {
  const { covariance } = covarianceOf(input);
  const reference = jacobiEigen(covariance, input.cols);
  const largest = reference.values[0]!;
  for (let j = 0; j < components; j++) {
    const expected = j < result.rank ? reference.values[j]! : 0;
    expect(Math.abs(result.explainedVariance[j]! - expected)).toBeLessThan(1e-9 * largest);
  }
  // Past `rank`, Jacobi's eigenvalues are rounding noise.
  if (result.rank < components) expect(Math.abs(reference.values[result.rank]!)).toBeLessThan(1e-9 * largest);
  for (let j = 0; j < axes; j++) {
    let dot = 0;
    for (let c = 0; c < input.cols; c++)
      dot += result.components[j * input.cols + c]! * reference.vectors[j * input.cols + c]!;
    const sign = Math.sign(dot);
    for (let r = 0; r < input.rows; r++) {
      let expected = 0;
      for (let c = 0; c < input.cols; c++)
        expected += (input.data[r * input.cols + c]! - result.mean[c]!) * reference.vectors[j * input.cols + c]!;
      expect(Math.abs(result.projected.data[r * components + j]! - sign * expected)).toBeLessThan(1e-4);
    }
  }
}

describe("pca on rank-deficient data", () => {
  it("gives 50 finite components for a 100-digit probe of 500 real test digits (784 pixels, 268 constant), as numpy does", () => {
    const input = probeOf500();
    const result = pca(input, 50);
    expectSoundPca(input, result, 50);
    expect(result.rank).toBe(50);
    NUMPY_TOP10.forEach((value, j) => expect(Math.abs(result.explainedVariance[j]! - value)).toBeLessThan(1e-9));
    expect(Math.abs(result.explainedVariance[49]! - NUMPY_50TH)).toBeLessThan(1e-9);
    expect(Math.abs(result.explainedVariance.reduce((a, b) => a + b, 0) - NUMPY_SUM_TOP50)).toBeLessThan(1e-8);
    NUMPY_ROW0.forEach((value, j) => expect(result.projected.data[j]!).toBeCloseTo(value, 5));
    NUMPY_ROW99.forEach((value, j) => expect(result.projected.data[99 * 50 + j]!).toBeCloseTo(value, 5));
  });

  it("returns the 99 real components of those 100 digits and zero-fills the rest when asked for 120", () => {
    const input = probeOf500();
    const result = pca(input, 120);
    expectSoundPca(input, result, 120);
    expect(result.rank).toBe(99);
    expect(Math.abs(result.explainedVariance[98]! - NUMPY_99TH)).toBeLessThan(1e-9);
  });

  it("handles one, two and three digits: rank 0, 1 and 2, the other components zero", () => {
    const { matrix } = mnistTestDigits(3);
    for (const rows of [1, 2, 3]) {
      const input = { data: matrix.data.slice(0, rows * 784), rows, cols: 784 };
      const result = pca(input, 50);
      expectSoundPca(input, result, 50);
      expect(result.rank).toBe(rows - 1);
    }
    // Two points sit at ± half their distance on the one axis.
    const two = pca({ data: matrix.data.slice(0, 2 * 784), rows: 2, cols: 784 }, 2);
    let distance = 0;
    for (let c = 0; c < 784; c++) distance += (matrix.data[c]! - matrix.data[784 + c]!) ** 2;
    expect(Math.abs(two.projected.data[0]!)).toBeCloseTo(Math.sqrt(distance) / 2, 4);
    expect(two.projected.data[0]! + two.projected.data[2]!).toBeCloseTo(0, 5);
  });

  it("sees through duplicated rows: 8 digits repeated 5 times have rank 7 and the 8 digits' axes", () => {
    const { matrix } = mnistTestDigits(8);
    const repeated = pickRows(
      matrix,
      Array.from({ length: 40 }, (_, i) => i % 8),
    );
    const result = pca(repeated, 20);
    expectSoundPca(repeated, result, 20);
    expect(result.rank).toBe(7);
    // Same scatter 5 times over, divided by 39 instead of 7.
    const distinct = pca(matrix, 7);
    for (let j = 0; j < 7; j++) {
      expect(result.explainedVariance[j]! / distinct.explainedVariance[j]!).toBeCloseTo((5 * 7) / 39, 9);
      for (let r = 0; r < 40; r++)
        expect(result.projected.data[r * 20 + j]!).toBeCloseTo(distinct.projected.data[(r % 8) * 7 + j]!, 4);
    }
  });

  it("gives all-zero components for identical rows, and for all-zero data", () => {
    const { matrix } = mnistTestDigits(1);
    const same = pickRows(matrix, new Array(10).fill(0));
    for (const input of [same, { data: new Float32Array(5 * 784), rows: 5, cols: 784 }]) {
      const result = pca(input, 50);
      expectSoundPca(input, result, 50);
      expect(result.rank).toBe(0);
      expect(result.projected.data.every((v) => v === 0)).toBe(true);
    }
  });

  it("matches a Jacobi reference through the Gram matrix (60 digits at 14 × 14, fewer rows than columns)", () => {
    const input = downsample14(probeOf500());
    const sixty = pickRows(
      input,
      Array.from({ length: 60 }, (_, i) => i),
    );
    const result = pca(sixty, 80);
    expectSoundPca(sixty, result, 80);
    expect(result.rank).toBe(59);
    expectMatchesJacobi(sixty, result, 80, 10);
  });

  it("matches a Jacobi reference through the covariance (300 digits at 14 × 14, constant border pixels)", () => {
    const { matrix } = mnistTestDigits(300);
    const input = downsample14(matrix);
    const result = pca(input, 50);
    expectSoundPca(input, result, 50);
    expect(result.rank).toBe(50);
    expectMatchesJacobi(input, result, 50, 10);
  });
});

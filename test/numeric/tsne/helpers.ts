// Seeded synthetic data and MNIST slices shared by the t-SNE tests.
import path from "node:path";
import { mnistDir } from "@/lib/mnist/dataset";
import { loadIdxImages, loadIdxLabels } from "@/lib/mnist/idx";
import { IMAGE_PIXELS } from "@/lib/core/constants";
import { createRng } from "@/lib/numeric/random";
import type { Matrix } from "@/lib/numeric/tsne/matrix";
import { pca2d } from "@/lib/numeric/tsne/pca";

/** A standard normal sample from a uniform RNG (Box–Muller). */
export function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** `perBlob` points around each centre (unit-variance noise), rows in blob order; labels are the blob index. */
export function gaussianBlobs(
  centres: number[][],
  perBlob: number,
  seed: number,
): { matrix: Matrix; labels: Uint8Array } {
  const cols = centres[0]!.length;
  const rows = centres.length * perBlob;
  const rng = createRng(seed);
  const data = new Float32Array(rows * cols);
  const labels = new Uint8Array(rows);
  centres.forEach((centre, b) => {
    for (let r = b * perBlob; r < (b + 1) * perBlob; r++) {
      labels[r] = b;
      for (let c = 0; c < cols; c++) data[r * cols + c] = centre[c]! + gaussian(rng);
    }
  });
  return { matrix: { data, rows, cols }, labels };
}

/** A [rows, cols] matrix of seeded standard normals. */
export function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = createRng(seed);
  return { data: Float32Array.from({ length: rows * cols }, () => gaussian(rng)), rows, cols };
}

/** The first `count` MNIST test digits as pixels / 255 [count, 784], with their labels. */
export function mnistTestDigits(count: number): { matrix: Matrix; labels: Uint8Array } {
  const dir = mnistDir();
  const images = loadIdxImages(path.join(dir, "t10k-images-idx3-ubyte"));
  const labels = loadIdxLabels(path.join(dir, "t10k-labels-idx1-ubyte"));
  const data = new Float32Array(count * IMAGE_PIXELS);
  for (let i = 0; i < data.length; i++) data[i] = images.pixels[i]! / 255;
  return { matrix: { data, rows: count, cols: IMAGE_PIXELS }, labels: labels.slice(0, count) };
}

/**
 * Eigenvalues (descending) and unit eigenvectors (rows, same order) of the symmetric [n, n] matrix `a` by cyclic
 * Jacobi rotations: slow (O(n³) per sweep) but simple and independent of lib/tsne/eigen.ts, so a reference for it.
 */
export function jacobiEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = m[j * n + i] = a[i * n + j]!;
  const v = new Float64Array(n * n); // eigenvectors as columns while rotating
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += m[i]! * m[i]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off <= 1e-30 * scale) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [mkp, mkq] = [m[k * n + p]!, m[k * n + q]!];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const [mpk, mqk] = [m[p * n + k]!, m[q * n + k]!];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const [vkp, vkq] = [v[k * n + p]!, v[k * n + q]!];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[y * n + y]! - m[x * n + x]!);
  const values = Float64Array.from(order, (i) => m[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[dst * n + k] = v[k * n + src]!;
  });
  return { values, vectors };
}

/** The covariance (divisor rows - 1) of `x` as a full [cols, cols] Float64Array, computed directly in float64. */
export function covarianceOf({ data, rows, cols }: Matrix): { covariance: Float64Array; mean: Float64Array } {
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] = mean[c]! + data[r * cols + c]! / rows;
  const covariance = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) {
    for (let a = 0; a < cols; a++) {
      const da = data[r * cols + a]! - mean[a]!;
      if (da === 0) continue;
      for (let b = 0; b < cols; b++)
        covariance[a * cols + b] = covariance[a * cols + b]! + (da * (data[r * cols + b]! - mean[b]!)) / (rows - 1);
    }
  }
  return { covariance, mean };
}

/** Rows `indices` of `m`, in that order. */
export function pickRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const data = new Float32Array(indices.length * m.cols);
  for (let r = 0; r < indices.length; r++)
    data.set(m.data.subarray(indices[r]! * m.cols, (indices[r]! + 1) * m.cols), r * m.cols);
  return { data, rows: indices.length, cols: m.cols };
}

/** 28 × 28 digits [rows, 784] averaged over 2 × 2 blocks into 14 × 14 [rows, 196]. */
export function downsample14(m: Matrix): Matrix {
  const data = new Float32Array(m.rows * 196);
  for (let r = 0; r < m.rows; r++) {
    for (let y = 0; y < 14; y++) {
      for (let x = 0; x < 14; x++) {
        let sum = 0;
        for (const [dy, dx] of [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ] as const)
          sum += m.data[r * 784 + (2 * y + dy) * 28 + 2 * x + dx]!;
        data[r * 196 + y * 14 + x] = sum / 4;
      }
    }
  }
  return { data, rows: m.rows, cols: 196 };
}

/** Σ_j w_ij² (y_i - y_j) [n, 2] and Z = Σ_{i≠j} w_ij by the O(n²) definition, w_ij = 1 / (1 + |y_i - y_j|²). */
export function exactRepulsion(y: Float64Array): { forces: Float64Array; z: number } {
  const n = y.length / 2;
  const forces = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++) {
    let fx = 0;
    let fy = 0;
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const dx = y[2 * i]! - y[2 * j]!;
      const dy = y[2 * i + 1]! - y[2 * j + 1]!;
      const w = 1 / (1 + dx * dx + dy * dy);
      z += w;
      fx += w * w * dx;
      fy += w * w * dy;
    }
    forces[2 * i] = fx;
    forces[2 * i + 1] = fy;
  }
  return { forces, z };
}

/** ‖a − b‖ / ‖b‖ over all entries. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** Barnes–Hut with scikit-learn's per-point test (a cell stands for its points when width / |y_i − its centre| < θ). */
export function perPointRepulsion(y: Float64Array, theta: number): Float64Array {
  interface Cell {
    cx: number;
    cy: number;
    half: number;
    sx: number;
    sy: number;
    count: number;
    x: number;
    y: number;
    kids: Cell[] | null;
  }
  const n = y.length / 2;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of y) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const cell = (cx: number, cy: number, half: number): Cell => ({
    cx,
    cy,
    half,
    sx: 0,
    sy: 0,
    count: 0,
    x: 0,
    y: 0,
    kids: null,
  });
  const root = cell((lo + hi) / 2, (lo + hi) / 2, ((hi - lo) / 2) * 1.0001);
  const insert = (c: Cell, x: number, yy: number, depth: number): void => {
    c.sx += x;
    c.sy += yy;
    c.count++;
    if (c.count === 1) {
      c.x = x;
      c.y = yy;
      return;
    }
    if (depth > 40) return;
    if (!c.kids) {
      const h = c.half / 2;
      c.kids = [
        cell(c.cx - h, c.cy - h, h),
        cell(c.cx + h, c.cy - h, h),
        cell(c.cx - h, c.cy + h, h),
        cell(c.cx + h, c.cy + h, h),
      ];
      insert(c.kids[(c.x >= c.cx ? 1 : 0) + (c.y >= c.cy ? 2 : 0)]!, c.x, c.y, depth + 1);
    }
    insert(c.kids[(x >= c.cx ? 1 : 0) + (yy >= c.cy ? 2 : 0)]!, x, yy, depth + 1);
  };
  for (let i = 0; i < n; i++) insert(root, y[2 * i]!, y[2 * i + 1]!, 0);
  const forces = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const stack = [root];
    while (stack.length > 0) {
      const c = stack.pop()!;
      const dx = y[2 * i]! - c.sx / c.count;
      const dy = y[2 * i + 1]! - c.sy / c.count;
      const d2 = dx * dx + dy * dy;
      if (c.kids && (2 * c.half) ** 2 >= theta * theta * d2) {
        stack.push(...c.kids.filter((k) => k.count > 0));
        continue;
      }
      const w = 1 / (1 + d2);
      forces[2 * i] = forces[2 * i]! + c.count * w * w * dx;
      forces[2 * i + 1] = forces[2 * i + 1]! + c.count * w * w * dy;
    }
  }
  return forces;
}

/** `count` MNIST digits with some rows repeated exactly (ties in both spaces) and their PCA layout rounded coarsely. */
export function digitsWithTies(count: number) {
  const { matrix, labels } = mnistTestDigits(count);
  for (let r = 7; r < count; r += 23) matrix.data.copyWithin(r * 784, (r - 7) * 784, (r - 6) * 784);
  for (let r = 7; r < count; r += 23) labels[r] = labels[r - 7]!;
  const coords = pca2d(matrix);
  // A grid of 0.5: many equal layout distances, and the duplicates land on the same point.
  const low = { data: coords.map((v) => Math.round(v * 2) / 2), rows: count, cols: 2 };
  return { high: matrix, low, labels };
}

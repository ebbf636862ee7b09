// Principal component analysis on typed arrays: exact eigenvectors of the covariance (or of the Gram matrix when rows < cols), deterministic signs, rank-aware.
import { distancePanel, panelArgs, panelRows, type PreparedRows } from "../distance-panel";
import { chunkCount, getPool, kernelTask, sharedFloat32, sharedFloat64, toShared, type Pool } from "../parallel";
import { topEigen } from "./eigen";
import { assertMatrix, type Matrix } from "./matrix";

export interface PcaResult {
  /** The projected data, [rows, components], centred; columns past `rank` are 0. */
  projected: Matrix;
  /**
   * Principal axes as rows, [components, cols]: the first `rank` orthonormal, each with its largest-magnitude entry
   * positive; the rest all zeros (the data has no variance left to give them a direction).
   */
  components: Float64Array;
  /** Variance along each axis (eigenvalues of the covariance, divisor rows - 1), descending, 0 past `rank`: [components]. */
  explainedVariance: Float64Array;
  /** Column means, [cols]. */
  mean: Float64Array;
  /**
   * How many axes carry variance: at most min(rows - 1, cols, components); fewer when rows repeat or columns are
   * constant (an axis counts when its variance exceeds RANK_TOLERANCE · the largest variance).
   */
  rank: number;
}

/**
 * Variances at or below this fraction of the largest are numerically zero: the rounding of the covariance or Gram
 * matrix in float64 (~1e-13 relative for 784 columns) and of float32 input (~1e-14) stay well below it, and an axis
 * this flat would not show in any projection.
 */
export const RANK_TOLERANCE = 1e-10;

export interface PcaOptions {
  /**
   * Threads of the pool (resolveThreads) for the covariance and the projection; any count gives the same bits. With
   * more than one, an input not on a SharedArrayBuffer is copied to one first.
   */
  threads?: number;
}

/** Bands of covariance rows computed as separate chunks (equal shares of the lower triangle). */
const COVARIANCE_BANDS = 16;
/** Rows per chunk of the projection. */
const PROJECT_CHUNK = 512;

/**
 * Projects `input` onto its first `components` principal axes. When the data has fewer than `components` directions
 * of variance (rank r: fewer than components + 1 rows, repeated rows, constant columns) the first r axes are the real
 * ones and the rest are zero-filled, with variance 0 and projected coordinates 0 — never NaN.
 * With at least as many rows as columns, the [cols, cols] covariance is decomposed: O(rows · cols²) on the SIMD
 * tile to build it (O(rows · nnz²) over the non-zero entries alone for data under 10 % non-zero) plus O(cols²) per
 * Lanczos step (see `topEigen`). With fewer rows than columns, the [rows, rows] Gram matrix of the centred rows has the
 * same non-zero eigenvalues and is smaller: axis j is Xcᵀ·u_j normalised, u_j its eigenvector.
 */
export function pca(input: Matrix, components: number, options: PcaOptions = {}): PcaResult {
  assertMatrix(input);
  const pool = getPool(options.threads);
  // One shared copy serves both pooled passes (toShared is then a no-op in each).
  if (pool.threads > 1) input = { ...input, data: toShared(input.data) };
  const { rows, cols } = input;
  if (!Number.isInteger(components) || components < 1 || components > cols) {
    throw new RangeError(`components must be an integer in 1..${cols} (got ${components})`);
  }
  const mean = columnMeans(input);
  const { values, vectors } =
    rows < cols ? gramEigen(input, mean, components) : covarianceEigen(input, mean, components, pool);
  const axes = new Float64Array(components * cols);
  const explainedVariance = new Float64Array(components);
  const threshold = RANK_TOLERANCE * Math.max(values[0] ?? 0, 0);
  let rank = 0;
  while (rank < Math.min(components, values.length) && values[rank]! > threshold && values[rank]! > 0) {
    const axis = axes.subarray(rank * cols, rank * cols + cols);
    axis.set(vectors.subarray(rank * cols, rank * cols + cols));
    if (!orthonormalise(axis, axes, rank, cols)) break;
    let largest = 0;
    for (let c = 1; c < cols; c++) if (Math.abs(axis[c]!) > Math.abs(axis[largest]!)) largest = c;
    if (axis[largest]! < 0) for (let c = 0; c < cols; c++) axis[c] = -axis[c]!;
    explainedVariance[rank] = values[rank]!;
    rank++;
  }
  axes.fill(0, rank * cols);
  const projected = project(input, axes, mean, components, pool);
  return { projected, components: axes, explainedVariance, mean, rank };
}

/** Column means of `input`, [cols]. */
export function columnMeans({ data, rows, cols }: Matrix): Float64Array {
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] = mean[c]! + data[r * cols + c]!;
  for (let c = 0; c < cols; c++) mean[c] = mean[c]! / rows;
  return mean;
}

/** The covariance PCA decomposes when rows ≥ cols: [cols, cols], divisor rows - 1, lower triangle only. */
export function covarianceMatrix(input: Matrix, mean: Float64Array, pool: Pool = getPool()): Float64Array {
  const { rows, cols } = input;
  const covariance = scatterMatrix(input, pool);
  // Cov = (XᵀX - n·μμᵀ) / (n - 1); only the lower triangle is filled and read.
  const divisor = Math.max(rows - 1, 1);
  for (let a = 0; a < cols; a++) {
    for (let b = 0; b <= a; b++) {
      covariance[a * cols + b] = (covariance[a * cols + b]! - rows * mean[a]! * mean[b]!) / divisor;
    }
  }
  return covariance;
}

/** The leading eigenpairs of the covariance: eigenvalues descending, unit eigenvectors as rows [count, cols]. */
function covarianceEigen(
  input: Matrix,
  mean: Float64Array,
  components: number,
  pool: Pool,
): { values: Float64Array; vectors: Float64Array } {
  return topEigen(covarianceMatrix(input, mean, pool), input.cols, components);
}

/**
 * The Gram matrix PCA decomposes when rows < cols: G = Xc·Xcᵀ / (n - 1) of the centred rows Xc [rows, cols],
 * [rows, rows], lower triangle only; with Xc itself.
 */
export function gramMatrix(
  { data, rows, cols }: Matrix,
  mean: Float64Array,
): { gram: Float64Array; centred: Float64Array } {
  const centred = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) centred[r * cols + c] = data[r * cols + c]! - mean[c]!;
  const divisor = Math.max(rows - 1, 1);
  const gram = new Float64Array(rows * rows);
  for (let a = 0; a < rows; a++) {
    for (let b = 0; b <= a; b++) {
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += centred[a * cols + c]! * centred[b * cols + c]!;
      gram[a * rows + b] = sum / divisor;
    }
  }
  return { gram, centred };
}

/**
 * The same through the Gram matrix, for rows < cols: G·u = λu gives Cov·(Xcᵀu) = λ·(Xcᵀu). Vectors are Xcᵀu as
 * rows [count, cols], unnormalised (length² = λ·(n - 1)).
 */
function gramEigen(
  input: Matrix,
  mean: Float64Array,
  components: number,
): { values: Float64Array; vectors: Float64Array } {
  const { rows, cols } = input;
  const { gram, centred } = gramMatrix(input, mean);
  const count = Math.min(components, rows);
  const eigen = topEigen(gram, rows, count);
  const vectors = new Float64Array(count * cols);
  for (let j = 0; j < count; j++) {
    const out = vectors.subarray(j * cols, j * cols + cols);
    for (let r = 0; r < rows; r++) {
      const u = eigen.vectors[j * rows + r]!;
      if (u === 0) continue;
      for (let c = 0; c < cols; c++) out[c] = out[c]! + u * centred[r * cols + c]!;
    }
  }
  return { values: eigen.values.subarray(0, count), vectors };
}

/**
 * Makes `axis` a unit vector orthogonal to the first `count` rows of `axes` (already orthonormal), by two passes of
 * Gram–Schmidt. Eigenvectors are orthogonal already up to rounding; the Gram path's Xcᵀu loses some of that for small
 * eigenvalues, which this restores. Returns false if nothing independent is left (the axis lay in their span).
 */
function orthonormalise(axis: Float64Array, axes: Float64Array, count: number, cols: number): boolean {
  const norm = (): number => {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += axis[c]! * axis[c]!;
    return Math.sqrt(sum);
  };
  const before = norm();
  if (!(before > 0) || !Number.isFinite(before)) return false;
  for (let pass = 0; pass < 2; pass++) {
    for (let k = 0; k < count; k++) {
      let dot = 0;
      for (let c = 0; c < cols; c++) dot += axis[c]! * axes[k * cols + c]!;
      for (let c = 0; c < cols; c++) axis[c] = axis[c]! - dot * axes[k * cols + c]!;
    }
  }
  const after = norm();
  if (!(after > 0.5 * before)) return false;
  for (let c = 0; c < cols; c++) axis[c] = axis[c]! / after;
  return true;
}

/** The first two principal components as a Float32Array [rows, 2], for an instant linear view. */
export function pca2d(input: Matrix, options: PcaOptions = {}): Float32Array {
  if (input.cols === 1) {
    // One column has one axis: spread along x, y stays 0.
    const out = new Float32Array(input.rows * 2);
    const { projected } = pca(input, 1, options);
    for (let r = 0; r < input.rows; r++) out[r * 2] = projected.data[r]!;
    return out;
  }
  return pca(input, 2, options).projected.data;
}

/**
 * XᵀX as a [cols, cols] Float64Array (lower triangle only): from the tile (tileScatter) unless the data is sparse,
 * else accumulated over each row's non-zero entries. Chunk c
 * owns the covariance rows of band c (equal shares of the triangle) and walks every data row: each entry still adds
 * its terms in row order, so the result is the single-threaded one bit for bit, and no partial matrices are needed.
 */
function scatterMatrix(input: Matrix, pool: Pool): Float64Array {
  const { data, rows, cols } = input;
  let nonZero = 0;
  for (let e = 0; e < data.length; e++) if (data[e] !== 0) nonZero++;
  if (nonZero >= TILE_MIN_DENSITY * data.length) return tileScatter(input, pool);
  const out = sharedFloat64(cols * cols);
  const bands = Math.min(COVARIANCE_BANDS, cols);
  const shared = pool.threads > 1 ? toShared(data) : data;
  pool.run(scatterChunk, bands, { data: shared, out, rows, cols, bands });
  return out;
}

/**
 * Share of non-zero entries from which XᵀX comes from the float64 SIMD tile (every product) rather than the sparse
 * sums (non-zero products only, scattered). On 2,000 probe digits, one thread, in turn (load ~1.8): a ReLU layer
 * (27 % non-zero, 512 columns) 73 against 187 ms, the pixels (19 %, 784 columns) 103 against 214 ms.
 */
const TILE_MIN_DENSITY = 0.1;
/** Covariance rows per chunk of the tile path. */
const TILE_SCATTER_ROWS = 64;

/**
 * XᵀX (lower triangle) from the distance panels' float64 tile over the columns of X as rows: with zero norms the
 * tile's (‖a‖² + ‖b‖²) − 2 a·b is exactly −2 a·b. Each entry depends only on its two columns: any thread count gives
 * the same bits.
 */
function tileScatter({ data, rows, cols }: Matrix, pool: Pool): Float64Array {
  const shared = pool.threads > 1;
  const width = rows + (rows % 2);
  const columns = shared ? sharedFloat64(cols * width) : new Float64Array(cols * width);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) columns[c * width + r] = data[r * cols + c]!;
  const prepared: PreparedRows = {
    data: columns,
    precision: "float64",
    rows: cols,
    cols: width,
    norms: shared ? sharedFloat64(cols) : new Float64Array(cols),
    slack: 0,
    tiny: 0,
    maxNorm: 0,
  };
  const out = sharedFloat64(cols * cols);
  pool.run(tileScatterChunk, chunkCount(cols, TILE_SCATTER_ROWS), { ...panelArgs(prepared), out });
  return out;
}

/** Chunk c: covariance rows c · 64 … against the columns up to each, from one panel. */
export const tileScatterChunk = kernelTask(import.meta.url, "tileScatterChunk", (chunk, args) => {
  const p = panelRows(args);
  const out = args.out as Float64Array;
  const cols = p.rows;
  const first = chunk * TILE_SCATTER_ROWS;
  const count = Math.min(TILE_SCATTER_ROWS, cols - first);
  const { panel, stride } = distancePanel(p, first, count, undefined, first + count);
  for (let r = 0; r < count; r++) {
    const a = first + r;
    for (let b = 0; b <= a; b++) out[a * cols + b] = -0.5 * panel[r * stride + b]!;
  }
});

/** First covariance row of band `c` of `bands`: band boundaries at cols · √(c / bands) split the triangle evenly. */
function bandStart(c: number, bands: number, cols: number): number {
  return c >= bands ? cols : Math.round(cols * Math.sqrt(c / bands));
}

export const scatterChunk = kernelTask(import.meta.url, "scatterChunk", (chunk, args) => {
  const data = args.data as Float32Array;
  const out = args.out as Float64Array;
  const rows = args.rows as number;
  const cols = args.cols as number;
  const bands = args.bands as number;
  const a0 = bandStart(chunk, bands, cols);
  const a1 = bandStart(chunk + 1, bands, cols);
  const nzIndex = new Int32Array(cols);
  const nzValue = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    let nnz = 0;
    let first = -1;
    const base = r * cols;
    for (let c = 0; c < a1; c++) {
      const v = data[base + c]!;
      if (v !== 0) {
        if (first < 0 && c >= a0) first = nnz;
        nzIndex[nnz] = c;
        nzValue[nnz++] = v;
      }
    }
    if (first < 0) continue;
    for (let a = first; a < nnz; a++) {
      const va = nzValue[a]!;
      const row = nzIndex[a]! * cols;
      for (let b = 0; b <= a; b++) out[row + nzIndex[b]!] = out[row + nzIndex[b]!]! + va * nzValue[b]!;
    }
  }
});

/** (X - μ) · axesᵀ as a [rows, components] matrix, again skipping zero entries of X; chunks of rows over the pool. */
function project(
  { data, rows, cols }: Matrix,
  axes: Float64Array,
  mean: Float64Array,
  components: number,
  pool: Pool,
): Matrix {
  // Column-major copy of the axes, [cols, components], so the inner loop is contiguous.
  const byColumn = sharedFloat64(cols * components);
  const offset = sharedFloat64(components);
  for (let j = 0; j < components; j++) {
    for (let c = 0; c < cols; c++) {
      byColumn[c * components + j] = axes[j * cols + c]!;
      offset[j] = offset[j]! + mean[c]! * axes[j * cols + c]!;
    }
  }
  const out = sharedFloat32(rows * components);
  const shared = pool.threads > 1 ? toShared(data) : data;
  const args = { data: shared, byColumn, offset, out, rows, cols, components };
  pool.run(projectChunk, Math.ceil(rows / PROJECT_CHUNK), args);
  return { data: out, rows, cols: components };
}

export const projectChunk = kernelTask(import.meta.url, "projectChunk", (chunk, args) => {
  const data = args.data as Float32Array;
  const byColumn = args.byColumn as Float64Array;
  const offset = args.offset as Float64Array;
  const out = args.out as Float32Array;
  const cols = args.cols as number;
  const components = args.components as number;
  const acc = new Float64Array(components);
  const end = Math.min(args.rows as number, (chunk + 1) * PROJECT_CHUNK);
  for (let r = chunk * PROJECT_CHUNK; r < end; r++) {
    for (let j = 0; j < components; j++) acc[j] = -offset[j]!;
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = data[base + c]!;
      if (v === 0) continue;
      const col = c * components;
      for (let j = 0; j < components; j++) acc[j] = acc[j]! + v * byColumn[col + j]!;
    }
    for (let j = 0; j < components; j++) out[r * components + j] = acc[j]!;
  }
});

// Exact k-nearest neighbours by brute force: dot-form distance panels on a WebAssembly SIMD tile, the plain form for
// near-ties, chunks of rows over the thread pool.
import { forEachDistanceFrom } from "../distances";
import { wholeMatrixOf, type WholeDistances } from "../distance-matrix";
import { distancePanel, panelArgs, panelRows, prepareRows } from "../distance-panel";
import { insertSorted, nearestFromPanel, nearestScratch, replaceTop, type NearestScratch } from "../panel-nearest";
import {
  chunkCount,
  getPool,
  kernelTask,
  resolveThreads,
  sharedFloat64,
  sharedInt32,
  type ChunkArgs,
} from "../parallel";
import type { Matrix } from "./matrix";

/** Each point's k nearest other points, nearest first: [n, k] row-major. */
export interface KnnGraph {
  k: number;
  /** Neighbour row indices, [n, k]. */
  indices: Int32Array;
  /** Squared Euclidean distances to those neighbours, [n, k], ascending per row. */
  distancesSq: Float64Array;
}

export interface KnnOptions {
  /** Threads of the pool (lib/numeric/parallel): default min(2, cores); 1 runs in this thread. Same result on any. */
  threads?: number;
}

/** From this many queries on, reordering the columns (O(rows · cols)) pays for itself. */
const REORDER_MIN_QUERIES = 32;
/** From this many queries on, queryKnn uses the panels (and the pool) like computeKnn. */
const PANEL_MIN_QUERIES = 256;
/** Rows per chunk of the pool: fixed, so any thread count gives the same result. */
const PANEL_ROWS = 64;

/**
 * Exact k nearest neighbours (excluding the point itself) of every row of `input`, by squared Euclidean distance
 * summed in float64 over the columns in order of decreasing variance (ties by column number), ties between
 * neighbours by row number. Each chunk of 64 rows gets its distances to every row from the dot-form tile
 * (distance-panel.ts), keeps the k smallest and re-ranks the few candidates within the tile's error bound by the
 * plain sum, so the result is that of the plain O(n² · cols) loop. O(n² · cols) on `threads` threads: 1.0 s of CPU
 * for 10,000 × 50 at k = 10, 1.7 s at k = 90, on the shared machine (npm run bench:distances). Deterministic, and
 * the same on any thread count. `k` must be in 1..rows-1.
 */
export function computeKnn(input: Matrix, k: number, options: KnnOptions = {}): KnnGraph {
  checkK(k, input.rows);
  return knnOfRows(input, k, undefined, columnsByVariance(input), options);
}

/**
 * Each row's k nearest other rows by the values of a whole distance matrix already computed (wholeDistances), ties
 * by row number, nearest first; distances are those values (floored at 0). Not computeKnn's plain re-ranking: a
 * float64 value is within ~1e-12 relative of the plain distance, which only orders exact near-duplicates differently,
 * and a t-SNE's affinities cannot tell (re-ranking ~90 candidates over 512 columns cost 10× the selection). O(n² +
 * n · k log k) on `threads` threads, the same on any count.
 */
export function knnFromMatrix(whole: WholeDistances, k: number, options: KnnOptions = {}): KnnGraph {
  const matrix = wholeMatrixOf(whole);
  const n = whole.prepared.rows;
  checkK(k, n);
  const threads = resolveThreads(options.threads);
  const shared = threads > 1;
  if (shared !== matrix.buffer instanceof SharedArrayBuffer)
    throw new RangeError(`the distances must be computed for ${threads} thread(s)`);
  const indices = shared ? sharedInt32(n * k) : new Int32Array(n * k);
  const distancesSq = shared ? sharedFloat64(n * k) : new Float64Array(n * k);
  getPool(threads).run(matrixKnnChunk, chunkCount(n, PANEL_ROWS), { matrix, n, k, indices, distancesSq });
  return { k, indices, distancesSq };
}

/**
 * Chunk c: rows c · 64 … of the matrix, each row's k smallest values (ties by row) into indices / distancesSq: the
 * k-th smallest value by selection, then the rows below it (and at it, lowest first) in order. The candidates are the
 * values at or below a bound: the value of a strided sample of the row that has about 2k of the row's values below it.
 * When at least k values pass it, the k smallest are all among them (a sample's r-th smallest is at least the row's);
 * else, rarely, every value is a candidate. (A heap of k over the row took 4× as long on 2,000 rows at k = 90: its
 * replacements mispredict; selection on the whole row about 1.5× as long as on the candidates.)
 */
export const matrixKnnChunk = kernelTask(import.meta.url, "matrixKnnChunk", (chunk, args) => {
  const matrix = args.matrix as Float64Array;
  const n = args.n as number;
  const k = args.k as number;
  const indices = args.indices as Int32Array;
  const distancesSq = args.distancesSq as Float64Array;
  const stride = Math.max(1, Math.floor(n / (4 * k)));
  const rank = Math.min(Math.ceil((2 * k) / stride), Math.floor((n - 1) / stride)) - 1;
  const sample = new Float64Array(Math.ceil(n / stride));
  // The candidates in row order, and a copy the selection reorders.
  const values = new Float64Array(n);
  const rows = new Int32Array(n);
  const scratch = new Float64Array(n);
  const end = Math.min(n, (chunk + 1) * PANEL_ROWS);
  for (let i = chunk * PANEL_ROWS; i < end; i++) {
    const row = matrix.subarray(i * n, i * n + n);
    let sampled = 0;
    for (let l = 0; l < n; l += stride) if (l !== i) sample[sampled++] = row[l]!;
    const bound = stride > 1 ? selectKth(sample.subarray(0, sampled), rank) : Infinity;
    let count = 0;
    for (let l = 0; l < n; l++) {
      if (row[l]! > bound || l === i) continue;
      values[count] = row[l]!;
      rows[count++] = l;
    }
    if (count < k) {
      count = 0;
      for (let l = 0; l < n; l++) {
        if (l === i) continue;
        values[count] = row[l]!;
        rows[count++] = l;
      }
    }
    scratch.set(values.subarray(0, count));
    const threshold = selectKth(scratch.subarray(0, count), k - 1);
    const base = i * k;
    let below = 0;
    for (let c = 0; c < count; c++) if (values[c]! < threshold) below++;
    // Rows below the k-th value, then rows at it in row order until k are taken.
    let filled = 0;
    let ties = k - below;
    for (let c = 0; c < count && filled < k; c++) {
      const d = values[c]!;
      if (d > threshold || (d === threshold && ties-- <= 0)) continue;
      insertSorted(indices, distancesSq, base, filled++, d, rows[c]!);
    }
    for (let t = base; t < base + k; t++) distancesSq[t] = Math.max(0, distancesSq[t]!);
  }
});

/** The value of rank `rank` (0-based) of `values`, which it reorders (Hoare's selection, median-of-three pivots). */
function selectKth(values: Float64Array, rank: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot.
    const a = values[lo]!;
    const b = values[mid]!;
    const c = values[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else return values[rank]!;
  }
  return values[rank]!;
}

/** The panel path of computeKnn and queryKnn: rows `queries` (all rows when undefined). */
function knnOfRows(
  input: Matrix,
  k: number,
  queries: Int32Array | undefined,
  columnOrder: Int32Array,
  options: KnnOptions,
): KnnGraph {
  const threads = resolveThreads(options.threads);
  const shared = threads > 1;
  const prepared = prepareRows(input.data, input.rows, input.cols, { columnOrder, shared });
  const m = queries ? queries.length : input.rows;
  const indices = shared ? sharedInt32(m * k) : new Int32Array(m * k);
  const distancesSq = shared ? sharedFloat64(m * k) : new Float64Array(m * k);
  const args: ChunkArgs = { ...panelArgs(prepared), k, count: m, indices, distancesSq };
  if (queries) args.queries = shared ? toSharedInt32(queries) : queries;
  getPool(threads).run(knnChunk, chunkCount(m, PANEL_ROWS), args);
  return { k, indices, distancesSq };
}

function toSharedInt32(values: Int32Array): Int32Array {
  const out = sharedInt32(values.length);
  out.set(values);
  return out;
}

// A thread's selection buffers, kept between chunks (they depend only on k).
let scratch: NearestScratch | undefined;

/** Chunk c: query rows c · 64 … of `count`, each row's k nearest into indices / distancesSq. */
export const knnChunk = kernelTask(import.meta.url, "knnChunk", (chunk, args) => {
  const p = panelRows(args);
  const k = args.k as number;
  const queries = args.queries as Int32Array | undefined;
  const first = chunk * PANEL_ROWS;
  const count = Math.min(PANEL_ROWS, (args.count as number) - first);
  if (!scratch || scratch.heapDist.length !== k) scratch = nearestScratch(k);
  const { panel, stride } = distancePanel(p, first, count, queries);
  for (let r = 0; r < count; r++) {
    const row = queries ? queries[first + r]! : first + r;
    const view = panel.subarray(r * stride, r * stride + p.rows);
    nearestFromPanel(
      p,
      view,
      row,
      k,
      args.indices as Int32Array,
      args.distancesSq as Float64Array,
      (first + r) * k,
      scratch,
    );
  }
});

/** Column numbers by decreasing variance (ties by number), so partial distances grow fastest. */
function columnsByVariance({ data, rows, cols }: Matrix): Int32Array {
  const sum = new Float64Array(cols);
  const sumSq = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c]!;
      sum[c] = sum[c]! + v;
      sumSq[c] = sumSq[c]! + v * v;
    }
  }
  const variance = Array.from({ length: cols }, (_, c) => sumSq[c]! / rows - (sum[c]! / rows) ** 2);
  return Int32Array.from(
    Array.from({ length: cols }, (_, c) => c).sort((a, b) => variance[b]! - variance[a]! || a - b),
  );
}

/** A copy of `input` with rows in `rowOrder` (or as they are) and columns in `columnOrder`. */
function permuted<T extends Float32Array | Float64Array>(
  { data, rows, cols }: Matrix,
  rowOrder: Int32Array | undefined,
  columnOrder: Int32Array,
  Type: new (length: number) => T,
): T {
  const out = new Type(rows * cols);
  for (let p = 0; p < rows; p++) {
    const src = (rowOrder ? rowOrder[p]! : p) * cols;
    for (let c = 0; c < cols; c++) out[p * cols + c] = data[src + columnOrder[c]!]!;
  }
  return out;
}

/**
 * Exact k nearest neighbours of the rows listed in `queries` among all rows of `input` (each query excludes
 * itself): O(queries · n · cols). Row q of the result belongs to queries[q]. From 256 queries on, the panels of
 * computeKnn (same distances and result, on `threads` threads); fewer queries scan the rows one by one with an early
 * exit, columns by decreasing variance from 32 queries on.
 */
export function queryKnn(input: Matrix, queries: Int32Array, k: number, options: KnnOptions = {}): KnnGraph {
  const { rows: n, cols } = input;
  checkK(k, n);
  queries.forEach((q) => {
    if (!Number.isInteger(q) || q < 0 || q >= n) throw new RangeError(`query row ${q} is not in 0..${n - 1}`);
  });
  if (queries.length >= PANEL_MIN_QUERIES) return knnOfRows(input, k, queries, columnsByVariance(input), options);
  const data =
    queries.length >= REORDER_MIN_QUERIES
      ? permuted(input, undefined, columnsByVariance(input), Float32Array)
      : input.data;
  const m = queries.length;
  const heapDist = new Float64Array(m * k).fill(Infinity);
  const heapIdx = new Int32Array(m * k).fill(-1);
  // limits[i]: query row i's k-th nearest distance so far, so the engine can skip rows beyond it.
  const limits = new Float64Array(n);
  for (let q = 0; q < m; q++) {
    const i = queries[q]!;
    const base = q * k;
    limits[i] = Infinity;
    forEachDistanceFrom(
      data,
      n,
      cols,
      i,
      (j, d) => {
        if (d < heapDist[base]!) {
          replaceTop(heapDist, heapIdx, base, k, d, j);
          limits[i] = heapDist[base]!;
        }
      },
      limits,
    );
  }
  return finish(heapDist, heapIdx, m, k);
}

export function checkK(k: number, n: number): void {
  if (!Number.isInteger(k) || k < 1 || k > n - 1) {
    throw new RangeError(`k must be an integer in 1..${n - 1} (rows - 1) (got ${k})`);
  }
}

/** Sorts every heap ascending by (distance, index) into a KnnGraph; `perm` maps stored indices to row numbers. */
function finish(heapDist: Float64Array, heapIdx: Int32Array, m: number, k: number, perm?: Int32Array): KnnGraph {
  if (perm) for (let e = 0; e < heapIdx.length; e++) heapIdx[e] = perm[heapIdx[e]!]!;
  const order = new Int32Array(k);
  const indices = new Int32Array(m * k);
  const distancesSq = new Float64Array(m * k);
  for (let q = 0; q < m; q++) {
    const base = q * k;
    for (let t = 0; t < k; t++) order[t] = t;
    order.sort((x, y) => heapDist[base + x]! - heapDist[base + y]! || heapIdx[base + x]! - heapIdx[base + y]!);
    for (let t = 0; t < k; t++) {
      indices[base + t] = heapIdx[base + order[t]!]!;
      distancesSq[base + t] = heapDist[base + order[t]!]!;
    }
  }
  return { k, indices, distancesSq };
}

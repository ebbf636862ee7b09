// Exact k-nearest neighbours by brute force over the distance engine's near-first pairs, with one bounded max-heap per point.
import { forEachDistanceFrom, forEachRowPair } from "../distances";
import type { Matrix } from "./matrix";

/** Each point's k nearest other points, nearest first: [n, k] row-major. */
export interface KnnGraph {
  k: number;
  /** Neighbour row indices, [n, k]. */
  indices: Int32Array;
  /** Squared Euclidean distances to those neighbours, [n, k], ascending per row. */
  distancesSq: Float64Array;
}

/** From this many queries on, reordering the columns (O(rows · cols)) pays for itself. */
const REORDER_MIN_QUERIES = 32;

/**
 * Exact k nearest neighbours (excluding the point itself) of every row of `input`, by squared Euclidean distance.
 * Columns are taken in order of decreasing variance and rows sorted by the widest column; the distance engine
 * compares blocks of rows in bands of increasing offset, so each heap fills with close candidates early. Each pair is
 * computed once, offered to both heaps, and abandoned as soon as its partial sum reaches both heaps' current k-th
 * distance (checked every 8 columns, for 2 × 4 pairs at once). O(n² · cols / 2) worst case; about 1.1 s of CPU
 * for 10,000 × 50 at k = 10 and 2 s at k = 90 on the shared 2-core machine (npm run bench:distances).
 * Deterministic. `k` must be in 1..rows-1.
 */
export function computeKnn(input: Matrix, k: number): KnnGraph {
  const { rows: n, cols } = input;
  checkK(k, n);
  const columns = columnsByVariance(input);
  const perm = rowsSortedBy(input, columns[0]!);
  const data = permuted(input, perm, columns, Float64Array);
  const heapDist = new Float64Array(n * k).fill(Infinity);
  const heapIdx = new Int32Array(n * k).fill(-1);
  // Each row's k-th nearest distance so far (its heap's top), which lets the engine skip pairs beyond both.
  const limits = new Float64Array(n).fill(Infinity);
  const offer = (p: number, q: number, d: number) => {
    if (d < heapDist[p * k]!) {
      replaceTop(heapDist, heapIdx, p * k, k, d, q);
      limits[p] = heapDist[p * k]!;
    }
  };
  forEachRowPair(
    data,
    n,
    cols,
    (x, y, d) => {
      offer(x, y, d);
      offer(y, x, d);
    },
    { order: "near-first", limits },
  );
  // Back from sorted positions to the caller's row numbers.
  const graph = finish(heapDist, heapIdx, n, k, perm);
  const indices = new Int32Array(n * k);
  const distancesSq = new Float64Array(n * k);
  for (let p = 0; p < n; p++) {
    indices.set(graph.indices.subarray(p * k, p * k + k), perm[p]! * k);
    distancesSq.set(graph.distancesSq.subarray(p * k, p * k + k), perm[p]! * k);
  }
  return { k, indices, distancesSq };
}

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

/** Row numbers sorted by one column (ties by row number). */
function rowsSortedBy({ data, rows, cols }: Matrix, column: number): Int32Array {
  const order = Array.from({ length: rows }, (_, r) => r);
  order.sort((a, b) => data[a * cols + column]! - data[b * cols + column]! || a - b);
  return Int32Array.from(order);
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
 * itself): O(queries · n · cols), with the same early exit as computeKnn. Row q of the result belongs to
 * queries[q]. Many queries first get a copy with columns by decreasing variance; a few just read `input`.
 */
export function queryKnn(input: Matrix, queries: Int32Array, k: number): KnnGraph {
  const { rows: n, cols } = input;
  checkK(k, n);
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

function checkK(k: number, n: number): void {
  if (!Number.isInteger(k) || k < 1 || k > n - 1) {
    throw new RangeError(`k must be an integer in 1..${n - 1} (rows - 1) (got ${k})`);
  }
}

/** Replaces the root of the max-heap at [base, base + k) with (d, j) and sifts it down. */
function replaceTop(dist: Float64Array, idx: Int32Array, base: number, k: number, d: number, j: number): void {
  let pos = 0;
  for (;;) {
    const left = 2 * pos + 1;
    if (left >= k) break;
    const right = left + 1;
    let child = left;
    if (right < k && dist[base + right]! > dist[base + left]!) child = right;
    if (dist[base + child]! <= d) break;
    dist[base + pos] = dist[base + child]!;
    idx[base + pos] = idx[base + child]!;
    pos = child;
  }
  dist[base + pos] = d;
  idx[base + pos] = j;
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

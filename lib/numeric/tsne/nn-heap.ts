// Row-local pieces of the approximate kNN: bounded max-heaps in flat typed arrays, a distance that gives up past a bound, and per-thread visit marks.
import { replaceTop } from "../panel-nearest";

/**
 * Squared Euclidean distance between rows `a` and `b` of `data` [rows, cols], summed in double precision in column
 * order, or some partial sum ≥ `bound` as soon as one is reached (checked every 8 columns). A result below `bound`
 * is therefore always the full, exact sum. Columns should come by decreasing variance so the sum grows fast.
 */
export function distanceSqBelow(data: Float32Array, cols: number, a: number, b: number, bound: number): number {
  const oa = a * cols;
  const ob = b * cols;
  let sum = 0;
  let c = 0;
  for (; c + 8 <= cols; c += 8) {
    const d0 = data[oa + c]! - data[ob + c]!;
    const d1 = data[oa + c + 1]! - data[ob + c + 1]!;
    const d2 = data[oa + c + 2]! - data[ob + c + 2]!;
    const d3 = data[oa + c + 3]! - data[ob + c + 3]!;
    const d4 = data[oa + c + 4]! - data[ob + c + 4]!;
    const d5 = data[oa + c + 5]! - data[ob + c + 5]!;
    const d6 = data[oa + c + 6]! - data[ob + c + 6]!;
    const d7 = data[oa + c + 7]! - data[ob + c + 7]!;
    sum += d0 * d0;
    sum += d1 * d1;
    sum += d2 * d2;
    sum += d3 * d3;
    sum += d4 * d4;
    sum += d5 * d5;
    sum += d6 * d6;
    sum += d7 * d7;
    if (sum >= bound) return sum;
  }
  for (; c < cols; c++) {
    const d = data[oa + c]! - data[ob + c]!;
    sum += d * d;
  }
  return sum;
}

/**
 * Replaces the root (the farthest entry) of the max-heap dist/idx/isNew [base, base + k) with (d, j), flagged new,
 * and sifts it down. The caller has checked d < dist[base] and that j is not in the heap yet.
 */
export function replaceRoot(
  dist: Float64Array,
  idx: Int32Array,
  isNew: Uint8Array,
  base: number,
  k: number,
  d: number,
  j: number,
): void {
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
    isNew[base + pos] = isNew[base + child]!;
    pos = child;
  }
  dist[base + pos] = d;
  idx[base + pos] = j;
  isNew[base + pos] = 1;
}

/**
 * Pushes j with priority `priority` into the bounded max-heap pri/idx [base, base + size) unless its priority is no
 * better than the root's or j is already there (the scan only runs for pushes that would be accepted).
 */
export function pushCandidate(
  pri: Float64Array,
  idx: Int32Array,
  base: number,
  size: number,
  priority: number,
  j: number,
): void {
  if (priority >= pri[base]!) return;
  for (let t = base; t < base + size; t++) if (idx[t] === j) return;
  replaceTop(pri, idx, base, size, priority, j);
}

/**
 * Writes row `row` of the heap dist/idx [rows, k], its indices mapped through `label` (label[j]: the caller's
 * number of row j), ascending by (distance, mapped index) into row `outRow` of outDist/outIdx [rows, k] (insertion
 * sort: k is small and the result must not depend on the heap's layout).
 */
export function sortRowInto(
  dist: Float64Array,
  idx: Int32Array,
  row: number,
  k: number,
  label: Int32Array,
  outDist: Float64Array,
  outIdx: Int32Array,
  outRow: number,
): void {
  const base = row * k;
  const out = outRow * k;
  for (let t = 0; t < k; t++) {
    const d = dist[base + t]!;
    const j = label[idx[base + t]!]!;
    let s = t;
    while (s > 0 && (outDist[out + s - 1]! > d || (outDist[out + s - 1] === d && outIdx[out + s - 1]! > j))) {
      outDist[out + s] = outDist[out + s - 1]!;
      outIdx[out + s] = outIdx[out + s - 1]!;
      s--;
    }
    outDist[out + s] = d;
    outIdx[out + s] = j;
  }
}

// Visit marks: marks[q] === the current stamp means q was seen while processing the current row. One array per
// thread, reused across rows and calls: a fresh stamp per row clears it in O(1), so what a row sees never depends
// on which rows this thread processed before (the results stay the same on any thread count).
let marks = new Int32Array(0);
let stamp = 0;

/** This thread's marks array, [≥ rows]; fetch it once per chunk. */
export function visitMarks(rows: number): Int32Array {
  if (marks.length < rows) {
    marks = new Int32Array(rows);
    stamp = 0;
  }
  return marks;
}

/** A stamp no entry of this thread's marks array holds yet: one per row processed. */
export function nextStamp(): number {
  if (stamp >= 0x7ffffff0) {
    marks.fill(0);
    stamp = 0;
  }
  return ++stamp;
}

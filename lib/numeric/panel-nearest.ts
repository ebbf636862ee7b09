// Exact k nearest neighbours of one row from its dot-form panel row: a heap pass, then the plain form for the few
// candidates the error bound cannot separate.
import { exactDistancesSq, type PreparedRows } from "./distance-panel";

/** Reusable buffers of one thread's selections. */
export interface NearestScratch {
  heapDist: Float64Array;
  heapRow: Int32Array;
  candRow: Int32Array;
  candDist: Float64Array;
  /** sortByDistance's two buffers, as long as the candidates'. */
  order: Int32Array;
  merged: Int32Array;
}

export function nearestScratch(k: number): NearestScratch {
  return {
    heapDist: new Float64Array(k),
    heapRow: new Int32Array(k),
    candRow: new Int32Array(4 * k + 16),
    candDist: new Float64Array(4 * k + 16),
    order: new Int32Array(4 * k + 16),
    merged: new Int32Array(4 * k + 16),
  };
}

/** Bound of every dot-form error in row i's panel row (prepareRows). */
export function rowBound(p: PreparedRows, i: number): number {
  return p.slack * (p.norms[i]! + p.maxNorm) + p.tiny;
}

/**
 * Row i's k nearest other rows by the plain squared distance, ties by row number, nearest first, into
 * rows[base …] and distancesSq[base …] (plain distances). `panel` is row i's dot-form distances to every row
 * (its own entry is ignored). Why exact: the k smallest panel values end at τ; every one of them is within E of its
 * plain value, so the k-th plain distance is ≤ τ + E and no true neighbour has a panel value above τ + 2E. Those
 * candidates (k, plus any near-ties) are ranked by their plain distances. O(rows + candidates · cols).
 */
export function nearestFromPanel(
  p: PreparedRows,
  panel: Float64Array,
  i: number,
  k: number,
  rows: Int32Array,
  distancesSq: Float64Array,
  base: number,
  s: NearestScratch,
): void {
  const n = p.rows;
  const { heapDist, heapRow } = s;
  heapDist.fill(Infinity);
  let top = Infinity;
  for (let l = 0; l < n; l++) {
    const d = panel[l]!;
    if (d < top && l !== i) {
      replaceTop(heapDist, heapRow, 0, k, d, l);
      top = heapDist[0]!;
    }
  }
  const limit = top + 2 * rowBound(p, i);
  let count = 0;
  for (let l = 0; l < n; l++) {
    if (panel[l]! > limit || l === i) continue;
    if (count === s.candRow.length) grow(s);
    s.candRow[count] = l;
    count++;
  }
  exactDistancesSq(p, i, s.candRow, count, s.candDist);
  const { candRow, candDist } = s;
  const order = sortByDistance(candDist, candRow, count, s.order, s.merged);
  for (let t = 0; t < k; t++) {
    rows[base + t] = candRow[order[t]!]!;
    distancesSq[base + t] = candDist[order[t]!]!;
  }
}

function grow(s: NearestScratch): void {
  const rows = new Int32Array(s.candRow.length * 2);
  rows.set(s.candRow);
  const dist = new Float64Array(s.candDist.length * 2);
  dist.set(s.candDist);
  s.candRow = rows;
  s.candDist = dist;
  s.order = new Int32Array(rows.length);
  s.merged = new Int32Array(rows.length);
}

/** Numbers sorted by insertion at a time, before merging. */
const RUN = 8;

/**
 * The numbers 0 … count-1 ordered by dist, ties by row (both indexed by number), in `a` or `b` (whichever is
 * returned; both at least count long). A merge sort on typed arrays, runs of RUN by insertion first:
 * Array.prototype.sort with a comparator took ~20 µs for a probe row's ~100 candidates (docs/benchmarks.md, issue 14's
 * eighth round).
 */
export function sortByDistance(
  dist: Float64Array,
  rows: Int32Array,
  count: number,
  a: Int32Array,
  b: Int32Array,
): Int32Array {
  let from = a;
  let to = b;
  for (let q = 0; q < count; q++) from[q] = q;
  for (let lo = 0; lo < count; lo += RUN) {
    const hi = Math.min(lo + RUN, count);
    for (let t = lo + 1; t < hi; t++) {
      const q = from[t]!;
      let at = t;
      for (; at > lo && before(dist, rows, q, from[at - 1]!); at--) from[at] = from[at - 1]!;
      from[at] = q;
    }
  }
  for (let width = RUN; width < count; width *= 2) {
    for (let lo = 0; lo < count; lo += 2 * width) {
      const mid = Math.min(lo + width, count);
      const hi = Math.min(lo + 2 * width, count);
      let x = lo;
      let y = mid;
      let t = lo;
      while (x < mid && y < hi) to[t++] = before(dist, rows, from[y]!, from[x]!) ? from[y++]! : from[x++]!;
      while (x < mid) to[t++] = from[x++]!;
      while (y < hi) to[t++] = from[y++]!;
    }
    [from, to] = [to, from];
  }
  return from;
}

/** Whether number q comes before number r: nearer, or as near and of a lower row. */
function before(dist: Float64Array, rows: Int32Array, q: number, r: number): boolean {
  return dist[q]! < dist[r]! || (dist[q] === dist[r] && rows[q]! < rows[r]!);
}

/** Replaces the root of the max-heap at [base, base + k) with (d, j) and sifts it down. */
export function replaceTop(dist: Float64Array, idx: Int32Array, base: number, k: number, d: number, j: number): void {
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

/** Inserts (d, row) into the `count` entries at `base` kept ascending by distance then row. */
export function insertSorted(
  rows: Int32Array,
  dist: Float64Array,
  base: number,
  count: number,
  d: number,
  row: number,
): void {
  let t = base + count;
  while (t > base && (dist[t - 1]! > d || (dist[t - 1]! === d && rows[t - 1]! > row))) {
    dist[t] = dist[t - 1]!;
    rows[t] = rows[t - 1]!;
    t--;
  }
  dist[t] = d;
  rows[t] = row;
}

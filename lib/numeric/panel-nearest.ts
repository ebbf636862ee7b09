// Exact k nearest neighbours of one row from its dot-form panel row: a heap pass, then the plain form for the few
// candidates the error bound cannot separate.
import { exactDistancesSq, type PreparedRows } from "./distance-panel";

/** Reusable buffers of one thread's selections. */
export interface NearestScratch {
  heapDist: Float64Array;
  heapRow: Int32Array;
  candRow: Int32Array;
  candDist: Float64Array;
  order: number[];
}

export function nearestScratch(k: number): NearestScratch {
  return {
    heapDist: new Float64Array(k),
    heapRow: new Int32Array(k),
    candRow: new Int32Array(4 * k + 16),
    candDist: new Float64Array(4 * k + 16),
    order: [],
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
  const order = s.order;
  order.length = count;
  for (let c = 0; c < count; c++) order[c] = c;
  const { candRow, candDist } = s;
  order.sort((x, y) => candDist[x]! - candDist[y]! || candRow[x]! - candRow[y]!);
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

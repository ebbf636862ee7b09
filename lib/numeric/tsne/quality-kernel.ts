// The pool kernel behind the quality figures: per chunk of rows, one panel of input-space distances gives each row's
// exact k nearest neighbours and the exact ranks of its layout neighbours (trustworthiness penalties).
import { chunkPanel } from "../distance-matrix";
import { exactDistanceSq, panelRows, type PreparedRows } from "../distance-panel";
import { nearestFromPanel, nearestScratch, rowBound, type NearestScratch } from "../panel-nearest";
import { kernelTask } from "../parallel";

/** Rows per chunk: fixed, so any thread count gives the same figures. */
export const QUALITY_ROWS = 64;

/**
 * Buckets of a row's lookup table per layout, over [0, its largest threshold's band end]: an entry gives the thresholds
 * whose low end falls in an earlier bucket, flagged (+128) when one falls in its own. Bucket q of a value v is
 * trunc(v · scale) clamped to the table, monotone in v, so a value and a low end in different buckets compare as their
 * buckets do; only a flagged bucket compares with its thresholds. Pixel PCA's streaming pass (58 % of its rows within
 * reach): 5.8–6.2 → 5.1–5.4 s on one thread, in turn.
 */
export const BUCKETS = 256;

/** The bucket of value v in a table of `scale` (fillBucketTable): trunc(v · scale), clamped to the table. */
export function bucketOf(v: number, scale: number): number {
  return Math.min(BUCKETS - 1, Math.max(0, (v * scale) | 0));
}

/**
 * Fills the lookup table table[at … at + BUCKETS) of the k ascending low ends low[from + t] + shift over [0, top];
 * returns its scale (BUCKETS / top, or 0 when top is not finite and positive: every value in bucket 0). O(BUCKETS + k):
 * the low ends' buckets never decrease.
 */
export function fillBucketTable(
  low: Float64Array,
  from: number,
  shift: number,
  k: number,
  top: number,
  table: Uint8Array,
  at: number,
): number {
  const scale = top > 0 && top < Infinity ? BUCKETS / top : 0;
  // More thresholds than an entry counts: every bucket is searched from the first threshold.
  if (k > 127) {
    table.fill(128, at, at + BUCKETS);
    return scale;
  }
  let t = 0;
  for (let q = 0; q < BUCKETS; q++) {
    const before = t;
    while (t < k && bucketOf(low[from + t]! + shift, scale) === q) t++;
    table[at + q] = t > before ? before | 128 : before;
  }
  return scale;
}

export interface RankScratch {
  nearest: NearestScratch;
  /**
   * Plain squared distances to the layout neighbours, in the order of their panel values (NaN until a near-tie
   * needs one), their rows and layouts.
   */
  threshold: Float64Array;
  low: Float64Array;
  high: Float64Array;
  row: Int32Array;
  layout: Int32Array;
  order: Int32Array;
  /** Unsorted thresholds and rows, in layout-neighbour order. */
  value: Float64Array;
  rowOf: Int32Array;
  /** below[t]: rows certainly closer than threshold t; extra[t]: near-ties settled exactly closer. */
  below: Int32Array;
  extra: Int32Array;
  /** One layout's histogram: hist[b], rows whose panel value passes the low ends of exactly b of its thresholds. */
  hist: Int32Array;
  /** One layout's lookup table of its low ends (fillBucketTable). */
  table: Uint8Array;
}

// A thread's buffers, kept between chunks while k and the layout count stay the same.
let scratch: RankScratch | undefined;

export function rankScratch(k: number, thresholds: number): RankScratch {
  if (scratch && scratch.nearest.heapDist.length === k && scratch.threshold.length === thresholds) return scratch;
  scratch = {
    nearest: nearestScratch(k),
    threshold: new Float64Array(thresholds),
    low: new Float64Array(thresholds),
    high: new Float64Array(thresholds),
    row: new Int32Array(thresholds),
    layout: new Int32Array(thresholds),
    order: new Int32Array(k),
    value: new Float64Array(thresholds),
    rowOf: new Int32Array(thresholds),
    below: new Int32Array(thresholds),
    extra: new Int32Array(thresholds),
    hist: new Int32Array(k + 1),
    table: new Uint8Array(BUCKETS),
  };
  return scratch;
}

/**
 * Chunk c of the rows: for each row i, its k nearest rows in the input (into `highIndices` [rows, k]) and, for
 * each of the `layouts` layouts, the trustworthiness penalty Σ max(0, r(i, j) − k) over its layout neighbours j
 * (`lowIndices` [layouts, rows, k]), where r(i, j) = 1 + the rows l ≠ i closer to i than j in the input (plain
 * distance; an equal one counts when l < j). Penalties go to `penalties` [chunks, layouts], integers in float64.
 */
export const qualityChunk = kernelTask(import.meta.url, "qualityChunk", (chunk, args) => {
  const p = panelRows(args);
  const k = args.k as number;
  const layouts = args.layouts as number;
  const lowIndices = args.lowIndices as Int32Array;
  const penalties = args.penalties as Float64Array;
  const n = p.rows;
  const first = chunk * QUALITY_ROWS;
  const count = Math.min(QUALITY_ROWS, n - first);
  const s = rankScratch(k, layouts * k);
  const { panel, stride } = chunkPanel(args, p, first, count);
  for (let r = 0; r < count; r++) {
    const i = first + r;
    const row = panel.subarray(r * stride, r * stride + n);
    nearestFromPanel(p, row, i, k, args.highIndices as Int32Array, args.distancesSq as Float64Array, i * k, s.nearest);
    if (layouts === 0) continue;
    rankLayoutNeighbours(p, row, i, k, layouts, lowIndices, s);
    addPenalties(s, k, layouts, penalties, chunk * layouts);
  }
});

/** Adds row i's trustworthiness penalties (after rankLayoutNeighbours) to penalties[at + layout]. */
export function addPenalties(s: RankScratch, k: number, layouts: number, penalties: Float64Array, at: number): void {
  for (let t = 0; t < layouts * k; t++) {
    // s.below is the histogram's running sum by now: rows certainly closer than threshold t.
    const rank = 1 + s.below[t]! + s.extra[t]!;
    if (rank > k) penalties[at + s.layout[t]!]! += rank - k;
  }
}

/**
 * Counts, for every threshold t (row i's plain distance to one of its layout neighbours), the rows l ≠ i closer
 * than it: into s.below (cumulated) and s.extra. Panel values more than twice the row's error bound apart settle the
 * comparison; nearer, the plain distances of both do (each only then: most never need one, and a neighbour against
 * its own threshold, the band every threshold meets, needs none: 40 % of a probe source's rank counting before). Most rows lie
 * beyond the largest threshold and cost one comparison; the others one per threshold.
 */
export function rankLayoutNeighbours(
  p: PreparedRows,
  row: Float64Array,
  i: number,
  k: number,
  layouts: number,
  lowIndices: Int32Array,
  s: RankScratch,
): void {
  const n = p.rows;
  const bound = rowBound(p, i);
  const order = s.order;
  const { value, rowOf, low, high, threshold, below, extra, hist, table } = s;
  // Layout by layout: a good layout's thresholds are all small, so most rows pass them with one comparison even
  // when another layout's (a PCA's) reach far.
  for (let layout = 0; layout < layouts; layout++) {
    const base = layout * k;
    for (let t = 0; t < k; t++) {
      const j = lowIndices[(layout * n + i) * k + t]!;
      rowOf[t] = j;
      value[t] = row[j]!;
      // In panel-value order, ties in layout-neighbour order (insertion: k is small).
      const v = value[t]!;
      let at = t;
      for (; at > 0 && value[order[at - 1]!]! > v; at--) order[at] = order[at - 1]!;
      order[at] = t;
    }
    for (let t = 0; t < k; t++) {
      const src = order[t]!;
      threshold[base + t] = Number.NaN;
      s.row[base + t] = rowOf[src]!;
      s.layout[base + t] = layout;
      low[t] = value[src]! - 2 * bound;
      high[t] = value[src]! + 2 * bound;
    }
    hist.fill(0);
    extra.fill(0, base, base + k);
    const highest = high[k - 1]!;
    const scale = fillBucketTable(low, 0, 0, k, highest, table, 0);
    for (let l = 0; l < n; l++) {
      const d = row[l]!;
      if (d > highest || l === i) continue;
      // b: the thresholds whose low end is at or below d (sorted: the first b); l is certainly closer than the rest.
      // From the table; in a flagged bucket, counted on up to the first threshold d is below.
      const entry = table[bucketOf(d, scale)]!;
      let b = entry & 127;
      if (entry > 127) while (b < k && d >= low[b]!) b++;
      hist[b]!++;
      // Thresholds below b whose band holds d (their high ends are sorted too): compare plain distances.
      if (b === 0 || high[b - 1]! < d) continue;
      // A layout neighbour meets its own threshold's band and is not closer than itself: no plain distance for that.
      let exact = Number.NaN;
      for (let t = b - 1; t >= 0 && high[t]! >= d; t--) {
        const at = base + t;
        if (s.row[at] === l) continue;
        if (Number.isNaN(exact)) exact = exactDistanceSq(p, i, l);
        if (Number.isNaN(threshold[at]!)) threshold[at] = exactDistanceSq(p, i, s.row[at]!);
        if (exact < threshold[at]! || (exact === threshold[at]! && l < s.row[at]!)) extra[at]!++;
      }
    }
    // Rows certainly closer than threshold t: those whose count stopped at t or before.
    let sum = 0;
    for (let t = 0; t < k; t++) below[base + t] = sum += hist[t]!;
  }
}

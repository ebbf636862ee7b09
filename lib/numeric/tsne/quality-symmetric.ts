// The quality pass of a source too large for its whole distance matrix, from half the tiles: each panel value serves
// both of its rows, streamed into per-thread row states whose merge is exact, so the figures are those of the panels.
import {
  distancePanel,
  exactDistanceSq,
  exactDistancesSq,
  panelArgs,
  panelRows,
  type PreparedRows,
} from "../distance-panel";
import {
  nearestFromPanel,
  nearestScratch,
  replaceTop,
  rowBound,
  sortByDistance,
  type NearestScratch,
} from "../panel-nearest";
import { chunkCount, getPool, kernelTask, sharedFloat64, sharedInt32, toShared, type ChunkArgs } from "../parallel";
import { BUCKETS, bucketOf, fillBucketTable } from "./quality-kernel";

/** Rows per chunk of both passes: a chunk's panel holds its rows against every row before its end. */
export const SYMMETRIC_ROWS = 64;

/**
 * Panel values each row keeps beyond its k smallest: its k nearest are exact from them unless more than this many
 * other values lie within twice the error bound of its k-th (duplicate rows), when the row's own panel is computed again.
 */
const SPARE = 8;

/**
 * runQuality's pass (quality.ts) over `p` (prepared for `threads`), its figures the same: each row's k nearest in the
 * input ([rows, k]) and per layout the summed trustworthiness penalty of its neighbours `lowIndices` [layouts, rows, k].
 * Half the multiply-adds of a panel per row block; O(rows · threads · (k + layouts · k)) of state.
 */
export function symmetricQuality(
  p: PreparedRows,
  k: number,
  lowIndices: Int32Array,
  layouts: number,
  threads: number,
): { highIndices: Int32Array; penalties: Float64Array } {
  const n = p.rows;
  const shared = threads > 1;
  const float64 = (length: number) => (shared ? sharedFloat64(length) : new Float64Array(length));
  const int32 = (length: number) => (shared ? sharedInt32(length) : new Int32Array(length));
  const keep = k + SPARE;
  const heapDist = float64(threads * n * keep).fill(Infinity);
  const heapRow = int32(threads * n * keep).fill(-1);
  const thresholds = layoutThresholds(p, lowIndices, layouts, k);
  const share = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => (shared ? toShared(a) : a);
  const state = {
    ...panelArgs(p),
    k,
    layouts,
    threads,
    slots: int32(1),
    heapDist,
    heapRow,
    hist: int32(threads * n * layouts * (k + 1)),
    extra: int32(threads * n * layouts * k),
    threshold: share(thresholds.threshold),
    thresholdRow: share(thresholds.thresholdRow),
    reach: share(thresholds.reach),
    table: share(thresholds.table),
    scale: share(thresholds.scale),
  };
  const pool = getPool(threads);
  const chunks = chunkCount(n, SYMMETRIC_ROWS);
  pool.run(symmetricChunk, chunks, state);
  const highIndices = int32(n * k);
  const partials = float64(chunks * layouts);
  pool.run(mergeChunk, chunks, { ...state, highIndices, distancesSq: float64(n * k), penalties: partials });
  // Whole numbers below 2^53: their sum is exact in any order; added in chunk order all the same.
  const penalties = new Float64Array(layouts);
  for (let c = 0; c < chunks; c++) for (let l = 0; l < layouts; l++) penalties[l]! += partials[c * layouts + l]!;
  return { highIndices, penalties };
}

/**
 * Chunk c of the streaming pass: the panel of rows block B − 1 − c (largest first, for the balance) against rows 0 …
 * to its end. Every value goes to the state of its row, and those left of the block's diagonal also to the state of
 * their column's row: each pair of rows is met once. A row's state, one per thread (each claims its slot at its first
 * chunk of a run), holds its k + SPARE smallest panel values as a max-heap (`heapDist`, `heapRow` [threads, rows,
 * k + SPARE]) and, per layout, how many of its sorted thresholds each nearer row passed (`hist` [threads, rows,
 * layouts, k + 1], as rankLayoutNeighbours counts them) with the near-ties settled exactly (`extra` [threads, rows,
 * layouts, k]). The thresholds (`threshold`, `thresholdRow` [rows, layouts, k]) are the plain distances to the row's
 * layout neighbours, ascending per layout. Which thread saw which value changes nothing the merge gives.
 */
export const symmetricChunk = kernelTask(import.meta.url, "symmetricChunk", (chunk, args) => {
  const p = panelRows(args);
  const n = p.rows;
  const blocks = Math.ceil(n / SYMMETRIC_ROWS);
  const first = (blocks - 1 - chunk) * SYMMETRIC_ROWS;
  const count = Math.min(SYMMETRIC_ROWS, n - first);
  const end = first + count;
  const slot = claimSlot(args.slots as Int32Array);
  const { panel, stride } = distancePanel(p, first, count, undefined, end);
  const scan = scanner(p, args, slot);
  for (let r = 0; r < count; r++) scan(first + r, panel, r * stride, 1, end, 0);
  for (let l = 0; l < first; l++) scan(l, panel, l, stride, count, first);
});

let claimed: { slots: Int32Array; slot: number } | undefined;

/** This thread's slot in this run: claimed at its first chunk (a run's `slots` array is new, in every thread). */
function claimSlot(slots: Int32Array): number {
  if (claimed?.slots !== slots) claimed = { slots, slot: Atomics.add(slots, 0, 1) };
  return claimed.slot;
}

/** The row states' arrays and sizes out of a pass's pool arguments (symmetricQuality lays them out). */
function rowStates(args: ChunkArgs) {
  const k = args.k as number;
  return {
    k,
    layouts: args.layouts as number,
    keep: k + SPARE,
    heapDist: args.heapDist as Float64Array,
    heapRow: args.heapRow as Int32Array,
    hist: args.hist as Int32Array,
    extra: args.extra as Int32Array,
  };
}

/**
 * scan(i, values, start, step, length, index0): row i meets values[start + m · step] of rows index0 + m, m <
 * length (its own entry skipped): into its heap of panel values, and counted against its thresholds.
 */
function scanner(p: PreparedRows, args: ChunkArgs, slot: number) {
  const n = p.rows;
  const { k, layouts, keep, heapDist, heapRow, hist, extra } = rowStates(args);
  const threshold = args.threshold as Float64Array;
  const thresholdRow = args.thresholdRow as Int32Array;
  const reach = args.reach as Float64Array;
  const table = args.table as Uint8Array;
  const scale = args.scale as Float64Array;
  // Row i's band ends per layout and its histogram, for one call; flushed into its state at the end.
  const low = new Float64Array(layouts * k);
  const high = new Float64Array(layouts * k);
  const counts = new Int32Array(layouts * (k + 1));
  return (i: number, values: Float64Array, start: number, step: number, length: number, index0: number) => {
    const heap = (slot * n + i) * keep;
    const bound = rowBound(p, i);
    const far = reach[i]!;
    for (let e = 0; e < layouts * k; e++) {
      const value = threshold[i * layouts * k + e]!;
      low[e] = value - bound;
      high[e] = value + bound;
    }
    counts.fill(0);
    let top = heapDist[heap]!;
    for (let m = 0, at = start; m < length; m++, at += step) {
      const d = values[at]!;
      if (d >= top && d > far) continue;
      const l = index0 + m;
      if (l === i) continue;
      if (d < top) {
        replaceTop(heapDist, heapRow, heap, keep, d, l);
        top = heapDist[heap]!;
      }
      if (d > far) continue;
      let exact = Number.NaN;
      for (let layout = 0, o = 0; layout < layouts; layout++, o += k) {
        if (d > high[o + k - 1]!) continue;
        // b: the thresholds d is within the bound of or above (the first b, sorted); l is certainly nearer than the
        // rest. From the row's table (BUCKETS); in a flagged bucket, counted on up to the first threshold d is below.
        const entry = table[(i * layouts + layout) * BUCKETS + bucketOf(d, scale[i * layouts + layout]!)]!;
        let b = entry & 127;
        if (entry > 127) while (b < k && d >= low[o + b]!) b++;
        counts[layout * (k + 1) + b]!++;
        for (let t = o + b - 1; t >= o && d <= high[t]!; t--) {
          const j = thresholdRow[i * layouts * k + t]!;
          if (j === l) continue;
          if (Number.isNaN(exact)) exact = exactDistanceSq(p, i, l);
          const value = threshold[i * layouts * k + t]!;
          if (exact < value || (exact === value && l < j)) extra[(slot * n + i) * layouts * k + t]!++;
        }
      }
    }
    const at = (slot * n + i) * layouts * (k + 1);
    for (let e = 0; e < layouts * (k + 1); e++) hist[at + e]! += counts[e]!;
  };
}

// This thread's buffers of the merge.
let merge:
  | {
      nearest: NearestScratch;
      /** The states' values and rows of one row, then its candidates' rows and plain distances. */
      dist: Float64Array;
      row: Int32Array;
      candRow: Int32Array;
      candDist: Float64Array;
      /** sortByDistance's two buffers. */
      order: Int32Array;
      merged: Int32Array;
    }
  | undefined;

/**
 * Chunk c of the merge: rows c · 64 …, each row's k nearest (plain distance, ties by row) from its states' panel
 * values (as nearestFromPanel finds them from its panel row, or from that row computed again when its spare values do
 * not reach twice the bound past its k-th), and each layout's trustworthiness penalty into penalties [chunks, layouts].
 */
export const mergeChunk = kernelTask(import.meta.url, "mergeChunk", (chunk, args) => {
  const p = panelRows(args);
  const n = p.rows;
  const { k, layouts, keep, heapDist, heapRow, hist, extra } = rowStates(args);
  const threads = args.threads as number;
  const highIndices = args.highIndices as Int32Array;
  const distancesSq = args.distancesSq as Float64Array;
  const penalties = args.penalties as Float64Array;
  if (merge?.dist.length !== threads * keep || merge.nearest.heapDist.length !== k)
    merge = {
      nearest: nearestScratch(k),
      dist: new Float64Array(threads * keep),
      row: new Int32Array(threads * keep),
      candRow: new Int32Array(threads * keep),
      candDist: new Float64Array(threads * keep),
      order: new Int32Array(threads * keep),
      merged: new Int32Array(threads * keep),
    };
  const { dist, row, candRow, candDist } = merge;
  const end = Math.min(n, (chunk + 1) * SYMMETRIC_ROWS);
  for (let i = chunk * SYMMETRIC_ROWS; i < end; i++) {
    let count = 0;
    for (let s = 0; s < threads; s++) {
      for (let e = (s * n + i) * keep; e < (s * n + i + 1) * keep; e++) {
        if (heapRow[e]! < 0) continue;
        dist[count] = heapDist[e]!;
        row[count++] = heapRow[e]!;
      }
    }
    const order = sortByDistance(dist, row, count, merge.order, merge.merged);
    const limit = dist[order[k - 1]!]! + 2 * rowBound(p, i);
    if (count < n - 1 && dist[order[Math.min(keep, count) - 1]!]! <= limit) {
      const { panel } = distancePanel(p, i, 1);
      nearestFromPanel(p, panel, i, k, highIndices, distancesSq, i * k, merge.nearest);
    } else {
      let candidates = 0;
      while (candidates < count && dist[order[candidates]!]! <= limit) candidates++;
      for (let c = 0; c < candidates; c++) candRow[c] = row[order[c]!]!;
      exactDistancesSq(p, i, candRow, candidates, candDist);
      const ranked = sortByDistance(candDist, candRow, candidates, merge.order, merge.merged);
      for (let t = 0; t < k; t++) {
        highIndices[i * k + t] = candRow[ranked[t]!]!;
        distancesSq[i * k + t] = candDist[ranked[t]!]!;
      }
    }
    for (let layout = 0; layout < layouts; layout++) {
      // Rows certainly nearer than threshold t: those whose count stopped at t or before, over every thread's states.
      let below = 0;
      for (let t = 0; t < k; t++) {
        let nearer = 0;
        for (let s = 0; s < threads; s++) {
          const at = (s * n + i) * layouts + layout;
          below += hist[at * (k + 1) + t]!;
          nearer += extra[at * k + t]!;
        }
        const rank = 1 + below + nearer;
        if (rank > k) penalties[chunk * layouts + layout]! += rank - k;
      }
    }
  }
});

/**
 * Each row's plain distances to its layout neighbours (`lowIndices` [layouts, rows, k]), ascending per layout, with
 * their rows ([rows, layouts, k] each), how far a row's panel values can matter to its ranks (its largest threshold
 * plus its error bound; −∞ without layouts), and its lookup tables of the thresholds' low ends ([rows, layouts,
 * BUCKETS], with their `scale` [rows, layouts]).
 */
export function layoutThresholds(
  p: PreparedRows,
  lowIndices: Int32Array,
  layouts: number,
  k: number,
): { threshold: Float64Array; thresholdRow: Int32Array; reach: Float64Array; table: Uint8Array; scale: Float64Array } {
  const n = p.rows;
  const table = new Uint8Array(n * layouts * BUCKETS);
  const scale = new Float64Array(n * layouts);
  const threshold = new Float64Array(n * layouts * k);
  const thresholdRow = new Int32Array(n * layouts * k);
  const reach = new Float64Array(n).fill(-Infinity);
  const rows = new Int32Array(k);
  const dist = new Float64Array(k);
  const order = Array.from({ length: k }, (_, t) => t);
  for (let i = 0; i < n; i++) {
    for (let layout = 0; layout < layouts; layout++) {
      rows.set(lowIndices.subarray((layout * n + i) * k, (layout * n + i + 1) * k));
      exactDistancesSq(p, i, rows, k, dist);
      for (let t = 0; t < k; t++) order[t] = t;
      order.sort((x, y) => dist[x]! - dist[y]!);
      const base = (i * layouts + layout) * k;
      for (let t = 0; t < k; t++) {
        threshold[base + t] = dist[order[t]!]!;
        thresholdRow[base + t] = rows[order[t]!]!;
      }
      const bound = rowBound(p, i);
      const top = threshold[base + k - 1]! + bound;
      reach[i] = Math.max(reach[i]!, top);
      const at = (i * layouts + layout) * BUCKETS;
      scale[i * layouts + layout] = fillBucketTable(threshold, base, -bound, k, top, table, at);
    }
  }
  return { threshold, thresholdRow, reach, table, scale };
}

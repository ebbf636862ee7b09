// How well two classes separate in an embedding (kNN purity, silhouette), for one pair or all pairs from one pass.
import { NUM_CLASSES as CLASSES } from "../../core/constants";
import { distanceMatrix, matrixPanel, MATRIX_MAX_ROWS } from "../distance-matrix";
import { distancePanel, exactDistanceSq, exactDistancesSq, panelArgs, panelRows, prepareRows } from "../distance-panel";
import { replaceTop, rowBound } from "../panel-nearest";
import { addPenalties, rankLayoutNeighbours, rankScratch } from "../tsne/quality-kernel";
import {
  chunkCount,
  getPool,
  kernelTask,
  resolveThreads,
  sharedFloat64,
  sharedInt32,
  type ChunkArgs,
} from "../parallel";

/** Neighbours for kNN purity: what the pair pages show and the pairs stage stores. */
export const SEPARATION_K = 10;

/** Rows per chunk of the pool: fixed, so any thread count gives the same figures. */
const PAIR_ROWS = 64;

/**
 * A panel distance is used for the silhouette sums only when it keeps at least this share of its rows' squared
 * norms (cancellation under 10 bits): its relative error is then below 4e-10 even at the error bound's worst, and
 * ~1e-13 in practice. Nearer pairs get the plain distance.
 */
const SUM_CANCELLATION = 2 ** -10;

export interface Separation {
  /** Mean fraction of each point's k nearest neighbours (among the two classes) sharing its class: 1 = separated, ≈ 0.5 = mixed. */
  knnPurity: number;
  /** Mean silhouette with the two classes as clusters, in [-1, 1]: near 0 = overlapping. */
  silhouette: number;
  count: number;
}

/**
 * What the separation of any two classes needs from each point, gathered in one pass over all pairs of points:
 * the sum of its distances to each class (added in ascending row order) and its k nearest neighbours in each class
 * (ordered by distance, ties by row). Sizes: rows × classes sums, rows × classes × k neighbours.
 */
export interface ClassNeighbours {
  rows: number;
  classes: number;
  k: number;
  /** Class of each row, 0..classes-1. */
  labels: Uint8Array;
  /** Rows in each class. */
  counts: Int32Array;
  /** [rows, classes]: Σ distance from the row to the class's other rows. */
  sums: Float64Array;
  /** [rows, classes, k]: the k nearest rows of each class (self excluded), nearest first; `filled` says how many. */
  nearDistance: Float64Array;
  nearRow: Int32Array;
  filled: Int32Array;
}

export interface SeparationOptions {
  /** Threads of the pool (lib/numeric/parallel); default 1 here (pages call it), same figures on any count. */
  threads?: number;
  /**
   * Also what a quality pass (lib/numeric/tsne/quality.ts) finds, from the same distances: each row's `k` nearest
   * rows ([rows, k], k ≤ the pairs' k) and each layout's summed trustworthiness penalty, for the layouts whose own
   * k nearest are `lowIndices` [layouts, rows, k].
   */
  ranks?: { k: number; layouts: number; lowIndices: Int32Array };
  /** Keep the whole distance matrix (distance-matrix.ts) rather than a panel per chunk: default up to MATRIX_MAX_ROWS rows. */
  wholeMatrix?: boolean;
}

/** What gatherClassNeighbours found for the quality figures when asked (SeparationOptions.ranks). */
export interface RankResult {
  highIndices: Int32Array;
  /** [layouts] */
  penalties: Float64Array;
}

/**
 * Gathers ClassNeighbours of `data` [rows, cols] (float64, row-major) with `labels` in 0..classes-1.
 * Neighbours are exact: ranked by the plain distance √Σ_c (x_c − y_c)² (float64, column order), ties by row. The
 * sums add, in ascending row order, the square roots of the float64 dot-form distances of distance-panel.ts (the
 * plain one for near pairs, see SUM_CANCELLATION): they agree with sums of plain distances to ~1e-13 relative, and a
 * pair's value depends only on its two rows, so a subset of the rows (pairSeparation) gives the same bits.
 * O(rows² · cols) on `threads` threads, O(rows · classes · k) memory: no distance matrix is kept.
 */
export function gatherClassNeighbours(
  data: Float64Array,
  rows: number,
  cols: number,
  labels: Uint8Array,
  classes: number,
  k: number,
  options: SeparationOptions = {},
): ClassNeighbours & { ranks?: RankResult } {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a whole number ≥ 1, got ${k}`);
  const ranks = options.ranks;
  if (ranks && !(Number.isInteger(ranks.k) && ranks.k >= 1 && ranks.k <= k && ranks.k < rows))
    throw new RangeError(`ranks.k must be an integer in 1..${Math.min(k, rows - 1)} (got ${ranks.k})`);
  if (labels.length !== rows) throw new RangeError(`labels has ${labels.length} entries, expected ${rows}`);
  const counts = new Int32Array(classes);
  labels.forEach((l, r) => {
    if (l >= classes) throw new RangeError(`label ${l} of row ${r} is not below ${classes}`);
    counts[l]!++;
  });
  const threads = resolveThreads(options.threads ?? 1);
  const shared = threads > 1;
  const f64 = (n: number) => (shared ? sharedFloat64(n) : new Float64Array(n));
  const i32 = (n: number) => (shared ? sharedInt32(n) : new Int32Array(n));
  const sums = f64(rows * classes);
  const nearDistance = f64(rows * classes * k);
  const nearRow = i32(rows * classes * k);
  const filled = i32(rows * classes);
  const chunks = chunkCount(rows, PAIR_ROWS);
  const highIndices = ranks ? i32(rows * ranks.k) : undefined;
  const partials = ranks ? f64(chunks * ranks.layouts) : undefined;
  if (rows > 0) {
    const prepared = prepareRows(data, rows, cols, { shared, keepZeroColumns: true });
    const sharedLabels = shared ? new Uint8Array(new SharedArrayBuffer(rows)) : new Uint8Array(rows);
    sharedLabels.set(labels);
    const args: ChunkArgs = {
      ...panelArgs(prepared),
      // A few thousand rows: their whole distance matrix, from half the tiles (the same values).
      ...((options.wholeMatrix ?? rows <= MATRIX_MAX_ROWS) ? { matrix: distanceMatrix(prepared, threads) } : {}),
      labels: sharedLabels,
      classes,
      k,
      sums,
      nearDistance,
      nearRow,
      filled,
      ...(ranks && highIndices && partials
        ? {
            rankK: ranks.k,
            layouts: ranks.layouts,
            lowIndices: shared ? toSharedInt32(ranks.lowIndices) : ranks.lowIndices,
            highIndices,
            penalties: partials,
          }
        : {}),
    };
    getPool(threads).run(classChunk, chunks, args);
  }
  const stats = { rows, classes, k, labels, counts, sums, nearDistance, nearRow, filled };
  if (!ranks || !highIndices || !partials) return stats;
  // Whole numbers below 2^53: their sum is exact in any order; added in chunk order all the same.
  const penalties = new Float64Array(ranks.layouts);
  for (let c = 0; c < chunks; c++)
    for (let l = 0; l < ranks.layouts; l++) penalties[l]! += partials[c * ranks.layouts + l]!;
  return { ...stats, ranks: { highIndices, penalties } };
}

function toSharedInt32(a: Int32Array): Int32Array {
  const out = sharedInt32(a.length);
  out.set(a);
  return out;
}

interface ClassScratch {
  heapDist: Float64Array;
  heapRow: Int32Array;
  limit: Float64Array;
  rowSums: Float64Array;
  candRow: Int32Array;
  candDist: Float64Array;
  order: number[];
  orderAll: number[];
}

function growCandidates(s: ClassScratch): void {
  const rows = new Int32Array(s.candRow.length * 2);
  rows.set(s.candRow);
  s.candRow = rows;
  s.candDist = new Float64Array(rows.length);
}

// A thread's buffers, kept between chunks while classes and k stay the same.
let scratch: ClassScratch | undefined;

/**
 * Chunk c: for each of its rows, the class sums and each class's k nearest rows. The k smallest panel values of a
 * class end at τ; the class's true k nearest all lie within τ + 2E (E the row's error bound), so those candidates,
 * ranked by their plain distances, give the exact lists (see panel-nearest.ts).
 */
export const classChunk = kernelTask(import.meta.url, "classChunk", (chunk, args) => {
  const p = panelRows(args);
  const labels = args.labels as Uint8Array;
  const classes = args.classes as number;
  const k = args.k as number;
  const sums = args.sums as Float64Array;
  const nearDistance = args.nearDistance as Float64Array;
  const nearRow = args.nearRow as Int32Array;
  const filled = args.filled as Int32Array;
  const rankK = (args.rankK as number | undefined) ?? 0;
  const layouts = (args.layouts as number | undefined) ?? 0;
  const highIndices = args.highIndices as Int32Array | undefined;
  const rs = rankK > 0 ? rankScratch(rankK, layouts * rankK) : undefined;
  const n = p.rows;
  const first = chunk * PAIR_ROWS;
  const count = Math.min(PAIR_ROWS, n - first);
  if (!scratch || scratch.heapDist.length !== classes * k || scratch.limit.length !== classes)
    scratch = {
      heapDist: new Float64Array(classes * k),
      heapRow: new Int32Array(classes * k),
      limit: new Float64Array(classes),
      rowSums: new Float64Array(classes),
      candRow: new Int32Array(2 * classes * k + 16),
      candDist: new Float64Array(2 * classes * k + 16),
      order: [],
      orderAll: [],
    };
  const { heapDist, heapRow, limit, rowSums } = scratch;
  const norms = p.norms;
  const matrix = args.matrix as Float64Array | undefined;
  const { panel, stride } = matrix ? matrixPanel(matrix, n, first) : distancePanel(p, first, count);
  for (let r = 0; r < count; r++) {
    const i = first + r;
    const row = panel.subarray(r * stride, r * stride + n);
    const ni = norms[i]!;
    heapDist.fill(Infinity);
    rowSums.fill(0);
    for (let l = 0; l < n; l++) {
      if (l === i) continue;
      const c = labels[l]!;
      const d = row[l]!;
      const near = d <= SUM_CANCELLATION * (ni + norms[l]!);
      rowSums[c]! += Math.sqrt(near ? exactDistanceSq(p, i, l) : d);
      if (d < heapDist[c * k]!) replaceTop(heapDist, heapRow, c * k, k, d, l);
    }
    sums.set(rowSums, i * classes);
    const bound = 2 * rowBound(p, i);
    for (let c = 0; c < classes; c++) limit[c] = heapDist[c * k]! + bound;
    // Candidates of every class, then their plain distances, then ordered by (class, distance, row).
    let count = 0;
    for (let l = 0; l < n; l++) {
      if (l === i || row[l]! > limit[labels[l]!]!) continue;
      if (count === scratch.candRow.length) growCandidates(scratch);
      scratch.candRow[count++] = l;
    }
    const { candRow, candDist, order } = scratch;
    exactDistancesSq(p, i, candRow, count, candDist);
    if (rs && highIndices) {
      // The row's rankK nearest of all: each lies within its class's candidates (rankK ≤ k), so the candidates
      // ranked by plain distance, ties by row, give them exactly (as nearestFromPanel does from the whole row).
      const all = scratch.orderAll;
      all.length = count;
      for (let q = 0; q < count; q++) all[q] = q;
      all.sort((x, y) => candDist[x]! - candDist[y]! || candRow[x]! - candRow[y]!);
      for (let t = 0; t < rankK; t++) highIndices[i * rankK + t] = candRow[all[t]!]!;
      if (layouts > 0) {
        rankLayoutNeighbours(p, row, i, rankK, layouts, args.lowIndices as Int32Array, rs);
        addPenalties(rs, rankK, layouts, args.penalties as Float64Array, chunk * layouts);
      }
    }
    order.length = count;
    for (let q = 0; q < count; q++) {
      candDist[q] = Math.sqrt(candDist[q]!);
      order[q] = q;
    }
    order.sort(
      (x, y) => labels[candRow[x]!]! - labels[candRow[y]!]! || candDist[x]! - candDist[y]! || candRow[x]! - candRow[y]!,
    );
    for (let at = 0; at < count;) {
      const c = labels[candRow[order[at]!]!]!;
      const list = i * classes + c;
      let t = 0;
      for (; at < count && labels[candRow[order[at]!]!] === c; at++) {
        if (t === k) continue;
        nearDistance[list * k + t] = candDist[order[at]!]!;
        nearRow[list * k + t] = candRow[order[at]!]!;
        t++;
      }
      filled[list] = t;
    }
  }
});

/**
 * The separation of classes `a` and `b` using only their points: for each of them in row order, the share of its
 * k nearest (ties by row) among the m points of both classes that share its class, and its silhouette (mean distance
 * to the other class against the mean to its own). NaN scores when a class has fewer than two points.
 */
export function scorePair(stats: ClassNeighbours, a: number, b: number): Separation {
  const { classes, k, labels, counts, sums, nearDistance, nearRow, filled } = stats;
  const m = counts[a]! + counts[b]!;
  if (counts[a]! < 2 || counts[b]! < 2) return { knnPurity: Number.NaN, silhouette: Number.NaN, count: m };
  const kk = Math.min(k, m - 1);
  let puritySum = 0;
  let silhouetteSum = 0;
  for (let x = 0; x < stats.rows; x++) {
    const own = labels[x]!;
    if (own !== a && own !== b) continue;
    const other = own === a ? b : a;
    const ownList = x * classes + own;
    const otherList = x * classes + other;
    // The kk nearest of both classes: merge the two sorted lists (each holds k ≥ kk, or the whole class).
    let i = ownList * k;
    let j = otherList * k;
    const iEnd = i + filled[ownList]!;
    const jEnd = j + filled[otherList]!;
    let same = 0;
    for (let t = 0; t < kk; t++) {
      const takeOwn =
        j >= jEnd ||
        (i < iEnd &&
          (nearDistance[i]! < nearDistance[j]! ||
            (nearDistance[i]! === nearDistance[j]! && nearRow[i]! < nearRow[j]!)));
      if (takeOwn) {
        same++;
        i++;
      } else j++;
    }
    puritySum += same / kk;
    const intra = sums[ownList]! / (counts[own]! - 1);
    const inter = sums[otherList]! / counts[other]!;
    silhouetteSum += (inter - intra) / Math.max(inter, intra) || 0;
  }
  return { knnPurity: puritySum / m, silhouette: silhouetteSum / m, count: m };
}

/** Digit classes of MNIST. */

export interface PairScore extends Separation {
  /** a < b */
  a: number;
  b: number;
}

/**
 * All 45 pairs' separation in `data` [rows, cols] with digit `labels`, from one pass over all pairs of rows: each
 * pair's numbers are bit for bit those of scorePair on that pair's rows alone (distances, sums and neighbour order
 * do not depend on the other classes' rows). About 1.8× fewer distances than 45 separate pairs. `threads`: default
 * min(2, cores) (the pairs stage runs it in the job worker), same figures on any count.
 */
export function allPairSeparations(
  data: Float64Array,
  rows: number,
  cols: number,
  labels: Uint8Array,
  k: number,
  options: { threads?: number } = {},
): PairScore[] {
  const threads = resolveThreads(options.threads);
  return scoreAllPairs(gatherClassNeighbours(data, rows, cols, labels, CLASSES, k, { threads }));
}

/** scorePair of all 45 digit pairs, a < b in order. */
export function scoreAllPairs(stats: ClassNeighbours): PairScore[] {
  const out: PairScore[] = [];
  for (let a = 0; a < CLASSES; a++) for (let b = a + 1; b < CLASSES; b++) out.push({ a, b, ...scorePair(stats, a, b) });
  return out;
}

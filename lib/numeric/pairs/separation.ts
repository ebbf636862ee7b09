// How well two classes separate in an embedding (kNN purity, silhouette), for one pair or all pairs from one pass.
import { NUM_CLASSES as CLASSES } from "../../core/constants";
import { chunkPanel, matrixArg, wholeMatrixOf, type WholeDistances } from "../distance-matrix";
import {
  exactDistanceSq,
  exactDistancesSq,
  panelArgs,
  panelRows,
  prepareRows,
  type PreparedRows,
} from "../distance-panel";
import { replaceTop, rowBound, sortByDistance } from "../panel-nearest";
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
  /**
   * The rows' whole distance matrix already computed (wholeDistances of the same data, prepared for `threads`), so
   * the pass reads it instead of computing its own: the same figures.
   */
  distances?: WholeDistances;
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
    const given = options.distances;
    if (given && (given.prepared.rows !== rows || shared !== given.prepared.data.buffer instanceof SharedArrayBuffer))
      throw new RangeError(`distances must be of ${rows} rows, prepared for ${threads} thread(s)`);
    const prepared = given?.prepared ?? prepareRows(data, rows, cols, { shared, keepZeroColumns: true });
    const sharedLabels = shared ? new Uint8Array(new SharedArrayBuffer(rows)) : new Uint8Array(rows);
    sharedLabels.set(labels);
    const { byClass, classStart } = rowsByClass(labels, counts, i32);
    const args: ChunkArgs = {
      ...panelArgs(prepared),
      // A few thousand rows: their whole distance matrix, from half the tiles (the same values).
      ...(given ? { matrix: wholeMatrixOf(given) } : matrixArg(prepared, threads, options.wholeMatrix)),
      labels: sharedLabels,
      byClass,
      classStart,
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
  /** Each candidate's panel value, then (near-ties) plain squared distance, then distance. */
  candDist: Float64Array;
  /** sortByDistance's two buffers: the candidate numbers in order. */
  all: Int32Array;
  merge: Int32Array;
  /** Rows and plain squared distances of a run of near-ties. */
  runRow: Int32Array;
  runDist: Float64Array;
  /** Neighbours listed so far per class. */
  taken: Int32Array;
}

/** Row i's candidates, in row order: the rows whose panel value is within their class's limit. Returns their count. */
function gatherCandidates(
  row: Float64Array,
  i: number,
  labels: Uint8Array,
  limit: Float64Array,
  s: ClassScratch,
): number {
  let count = 0;
  for (let l = 0; l < row.length; l++) {
    if (l === i || row[l]! > limit[labels[l]!]!) continue;
    if (count === s.candRow.length) growCandidates(s);
    s.candDist[count] = row[l]!;
    s.candRow[count++] = l;
  }
  return count;
}

function growCandidates(s: ClassScratch): void {
  const rows = new Int32Array(s.candRow.length * 2);
  rows.set(s.candRow);
  s.candRow = rows;
  const dist = new Float64Array(rows.length);
  dist.set(s.candDist);
  s.candDist = dist;
  s.all = new Int32Array(rows.length);
  s.merge = new Int32Array(rows.length);
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
      all: new Int32Array(2 * classes * k + 16),
      merge: new Int32Array(2 * classes * k + 16),
      runRow: new Int32Array(16),
      runDist: new Float64Array(16),
      taken: new Int32Array(classes),
    };
  const { heapDist, heapRow, limit, rowSums } = scratch;
  const byClass = args.byClass as Int32Array;
  const classStart = args.classStart as Int32Array;
  const { panel, stride } = chunkPanel(args, p, first, count);
  for (let r = 0; r < count; r++) {
    const i = first + r;
    const row = panel.subarray(r * stride, r * stride + n);
    heapDist.fill(Infinity);
    classSums(p, row, i, byClass, classStart, k, heapDist, heapRow, rowSums);
    sums.set(rowSums, i * classes);
    const bound = rowBound(p, i);
    for (let c = 0; c < classes; c++) limit[c] = heapDist[c * k]! + 2 * bound;
    // Candidates of every class, ordered by panel value (ties by row).
    const count = gatherCandidates(row, i, labels, limit, scratch);
    const { candRow, candDist } = scratch;
    const all = sortByDistance(candDist, candRow, count, scratch.all, scratch.merge);
    // Panel values more than 2E apart are in their plain distances' order. Only a run of candidates each within 2E
    // of the next (near-ties, duplicates), or within 2E of 0, needs plain distances, and is re-ordered by them.
    for (let start = 0, t = 1; t <= count; t++) {
      if (t < count && candDist[all[t]!]! - candDist[all[t - 1]!]! <= 2 * bound) continue;
      if (t - start > 1 || candDist[all[start]!]! <= 2 * bound) plainRun(p, i, all, start, t, scratch);
      start = t;
    }
    if (rs && highIndices) {
      // The row's rankK nearest of all: each lies within its class's candidates (rankK ≤ k), so the candidates in
      // plain order, ties by row, give them exactly (as nearestFromPanel does from the whole row).
      for (let t = 0; t < rankK; t++) highIndices[i * rankK + t] = candRow[all[t]!]!;
      if (layouts > 0) {
        rankLayoutNeighbours(p, row, i, rankK, layouts, args.lowIndices as Int32Array, rs);
        addPenalties(rs, rankK, layouts, args.penalties as Float64Array, chunk * layouts);
      }
    }
    // Each class's k nearest, in the order scorePair merges them: by distance (square roots can tie where squares
    // do not), ties by row. The candidates are in that order already but for such ties: insertion sort mends it.
    for (let q = 0; q < count; q++) candDist[q] = Math.sqrt(candDist[q]!);
    for (let t = 1; t < count; t++) {
      const q = all[t]!;
      let at = t;
      for (
        ;
        at > 0 &&
        (candDist[all[at - 1]!]! > candDist[q]! ||
          (candDist[all[at - 1]!] === candDist[q] && candRow[all[at - 1]!]! > candRow[q]!));
        at--
      )
        all[at] = all[at - 1]!;
      all[at] = q;
    }
    const taken = scratch.taken;
    taken.fill(0);
    for (let t = 0; t < count; t++) {
      const q = all[t]!;
      const c = labels[candRow[q]!]!;
      if (taken[c]! === k) continue;
      const at = (i * classes + c) * k + taken[c]!++;
      nearDistance[at] = candDist[q]!;
      nearRow[at] = candRow[q]!;
    }
    filled.set(taken, i * classes);
  }
});

/**
 * Row i's sums of distances to each class and each class's heap of its k smallest panel values, class by class, each
 * over its rows in ascending order: the same sums and heaps as one pass in row order, with the sum and the heap's top
 * in registers.
 */
function classSums(
  p: PreparedRows,
  row: Float64Array,
  i: number,
  byClass: Int32Array,
  classStart: Int32Array,
  k: number,
  heapDist: Float64Array,
  heapRow: Int32Array,
  rowSums: Float64Array,
): void {
  const norms = p.norms;
  const ni = norms[i]!;
  for (let c = 0; c + 1 < classStart.length; c++) {
    const heap = c * k;
    let sum = 0;
    let top = Infinity;
    for (let m = classStart[c]!; m < classStart[c + 1]!; m++) {
      const l = byClass[m]!;
      if (l === i) continue;
      const d = row[l]!;
      const near = d <= SUM_CANCELLATION * (ni + norms[l]!);
      sum += Math.sqrt(near ? exactDistanceSq(p, i, l) : d);
      if (d < top) {
        replaceTop(heapDist, heapRow, heap, k, d, l);
        top = heapDist[heap]!;
      }
    }
    rowSums[c] = sum;
  }
}

/**
 * The rows of each class in ascending order, class after class (byClass), and where each class begins
 * (byClass[classStart[c] … classStart[c + 1])), from the rows' labels and each class's row count.
 */
function rowsByClass(
  labels: Uint8Array,
  counts: Int32Array,
  i32: (n: number) => Int32Array,
): { byClass: Int32Array; classStart: Int32Array } {
  const classStart = i32(counts.length + 1);
  for (let c = 0; c < counts.length; c++) classStart[c + 1] = classStart[c]! + counts[c]!;
  const fill = classStart.slice(0, counts.length);
  const byClass = i32(labels.length);
  for (let l = 0; l < labels.length; l++) byClass[fill[labels[l]!]!++] = l;
  return { byClass, classStart };
}

/**
 * Gives candidates all[start … end - 1] (a run of near-tied panel values) their plain squared distances and orders
 * them by those, ties by row.
 */
function plainRun(p: PreparedRows, i: number, all: Int32Array, start: number, end: number, s: ClassScratch): void {
  const m = end - start;
  if (s.runRow.length < m) {
    s.runRow = new Int32Array(2 * m);
    s.runDist = new Float64Array(2 * m);
  }
  for (let t = 0; t < m; t++) s.runRow[t] = s.candRow[all[start + t]!]!;
  exactDistancesSq(p, i, s.runRow, m, s.runDist);
  for (let t = 0; t < m; t++) s.candDist[all[start + t]!] = s.runDist[t]!;
  const run = all.slice(start, end).sort((x, y) => s.candDist[x]! - s.candDist[y]! || s.candRow[x]! - s.candRow[y]!);
  for (let t = 0; t < m; t++) all[start + t] = run[t]!;
}

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

// Layout quality metrics, exact on every point: leave-one-out kNN accuracy in the input and in the layout,
// trustworthiness, and k-neighbour preservation.
import { MATRIX_MAX_ROWS, matrixArg } from "../distance-matrix";
import { panelArgs, prepareRows } from "../distance-panel";
import { chunkCount, getPool, resolveThreads, sharedFloat64, sharedInt32 } from "../parallel";
import { createRng, range, shuffleInPlace } from "../random";
import { layoutKnn } from "./knn-2d";
import { computeKnn, queryKnn, type KnnGraph } from "./knn";
import { assertMatrix, type Matrix } from "./matrix";
import { QUALITY_ROWS, qualityChunk } from "./quality-kernel";
import { symmetricQuality } from "./quality-symmetric";

export interface QualityOptions {
  /** Threads of the pool (lib/numeric/parallel): default min(2, cores); 1 runs in this thread. Same figures on any. */
  threads?: number;
}

export interface SampleOptions extends QualityOptions {
  /**
   * Score at most this many points (a seeded sample) when there are more; each scored point costs O(rows · cols).
   * Default 2000, so up to 2,000 points the score is exact. Integer ≥ 1.
   */
  maxPoints?: number;
  /** Seed of the sample. Default 0. */
  seed?: number;
}

const DEFAULT_MAX_POINTS = 2000;

/** The figures of one layout of a data set. */
export interface LayoutQuality {
  /** Leave-one-out kNN accuracy in the input space (see knnAccuracy). */
  knnAccuracyHigh: number;
  /** The same in the layout. */
  knnAccuracyLayout: number;
  /** Trustworthiness T(k) of the layout (see trustworthiness). */
  trustworthiness: number;
}

/**
 * The quality figures of `low` [rows, 2 or more] as a layout of `high` [rows, cols] with point `labels`, from one
 * pass over the input-space distances (O(rows² · cols) on `threads` threads; the layout's own kNN is cheap).
 * Exact on every point: the same as knnAccuracy (of both matrices) and trustworthiness give. k < rows / 2.
 */
export function layoutQuality(
  high: Matrix,
  low: Matrix,
  labels: Uint8Array,
  k = 10,
  options: QualityOptions = {},
): LayoutQuality {
  const { knnAccuracyHigh, layouts } = layoutsQuality(high, [low], labels, k, options);
  return { knnAccuracyHigh, ...layouts[0]! };
}

/**
 * layoutQuality of several layouts of the same `high` (e.g. its PCA and its t-SNE), sharing the one pass over the
 * input-space distances. `labels` may be omitted (accuracies are then NaN).
 */
export function layoutsQuality(
  high: Matrix,
  lows: Matrix[],
  labels: Uint8Array | undefined,
  k = 10,
  options: QualityOptions = {},
): { knnAccuracyHigh: number; layouts: Array<Omit<LayoutQuality, "knnAccuracyHigh">> } {
  const threads = resolveThreads(options.threads);
  const lowKnn = layoutNeighbours(high, lows, labels, k, threads);
  const { highIndices, penalties } = runQuality(high, k, lowKnn, threads);
  return qualityFigures(highIndices, penalties, lowKnn, labels, k);
}

/**
 * The figures of layoutsQuality from what its pass found: each row's k nearest in the input (`highIndices` [rows, k])
 * and each layout's summed trustworthiness penalty, with the layouts' own kNN (`lowKnn`, [rows, k] each).
 */
export function qualityFigures(
  highIndices: Int32Array,
  penalties: Float64Array,
  lowKnn: Int32Array[],
  labels: Uint8Array | undefined,
  k: number,
): { knnAccuracyHigh: number; layouts: Array<Omit<LayoutQuality, "knnAccuracyHigh">> } {
  const n = highIndices.length / k;
  return {
    knnAccuracyHigh: labels ? voteAccuracy(highIndices, labels, k) : Number.NaN,
    layouts: lowKnn.map((indices, layout) => ({
      knnAccuracyLayout: labels ? voteAccuracy(indices, labels, k) : Number.NaN,
      trustworthiness: 1 - (2 * penalties[layout]!) / (n * k * (2 * n - 3 * k - 1)),
    })),
  };
}

/** Checks what layoutsQuality checks of its arguments; each layout's own k nearest, [rows, k] each. */
export function layoutNeighbours(
  high: Matrix,
  lows: Matrix[],
  labels: Uint8Array | undefined,
  k: number,
  threads: number,
): Int32Array[] {
  const n = high.rows;
  // `high` checked once (a probe source's 10⁶ values), then each layout against it.
  assertMatrix(high, "high");
  for (const low of lows) checkLow(high, low);
  checkK(high, k);
  if (lows.length > 0 && k >= n / 2)
    throw new RangeError(`k must be below rows / 2 = ${n / 2} for trustworthiness (got ${k})`);
  if (labels && labels.length !== n) throw new RangeError(`labels has ${labels.length} entries, expected ${n}`);
  // A 2-D layout's neighbours from a grid: the same as computeKnn's panels, without their n².
  return lows.map((low) => (low.cols === 2 ? layoutKnn(low, k) : computeKnn(low, k, { threads })).indices);
}

/**
 * The pool pass: each row's k nearest in `high` and, per layout, the summed trustworthiness penalty. Up to
 * MATRIX_MAX_ROWS rows from the whole distance matrix; above, from half the panels' tiles (symmetricQuality).
 */
function runQuality(
  high: Matrix,
  k: number,
  lowKnn: Int32Array[],
  threads: number,
): { highIndices: Int32Array; penalties: Float64Array } {
  const n = high.rows;
  const shared = threads > 1;
  const prepared = prepareRows(high.data, n, high.cols, { shared });
  const chunks = chunkCount(n, QUALITY_ROWS);
  const layouts = lowKnn.length;
  const lowIndices = shared ? sharedInt32(layouts * n * k) : new Int32Array(layouts * n * k);
  lowKnn.forEach((indices, layout) => lowIndices.set(indices, layout * n * k));
  if (n > MATRIX_MAX_ROWS) return symmetricQuality(prepared, k, lowIndices, layouts, threads);
  const highIndices = shared ? sharedInt32(n * k) : new Int32Array(n * k);
  const distancesSq = shared ? sharedFloat64(n * k) : new Float64Array(n * k);
  const partials = shared ? sharedFloat64(chunks * layouts) : new Float64Array(chunks * layouts);
  getPool(threads).run(qualityChunk, chunks, {
    ...panelArgs(prepared),
    // A few thousand rows: their whole distance matrix, from half the tiles (the same values).
    ...matrixArg(prepared, threads),
    k,
    layouts,
    lowIndices,
    highIndices,
    distancesSq,
    penalties: partials,
  });
  // Whole numbers below 2^53: their sum is exact in any order; added in chunk order all the same.
  const penalties = new Float64Array(layouts);
  for (let c = 0; c < chunks; c++) for (let l = 0; l < layouts; l++) penalties[l]! += partials[c * layouts + l]!;
  return { highIndices, penalties };
}

/**
 * Leave-one-out k-nearest-neighbour classification accuracy in the space of `data` [rows, cols]: each point is
 * given the majority label of its k nearest other points (Euclidean distance summed in column order, ties by row;
 * a tie of votes goes to the tied label met first, nearest first). Returns the fraction predicted correctly, in
 * [0, 1]. Exact; O(rows² · cols) on `threads` threads.
 */
export function knnAccuracy(
  data: Float32Array,
  rows: number,
  cols: number,
  labels: Uint8Array,
  k = 10,
  options: QualityOptions = {},
): number {
  const matrix = { data, rows, cols };
  assertMatrix(matrix, "data");
  if (labels.length !== rows) throw new RangeError(`labels has ${labels.length} entries, expected ${rows}`);
  checkK(matrix, k);
  return voteAccuracy(runQuality(matrix, k, [], resolveThreads(options.threads)).highIndices, labels, k);
}

/** The fraction of rows whose k neighbours ([rows, k], nearest first) vote for their own label. */
function voteAccuracy(indices: Int32Array, labels: Uint8Array, k: number): number {
  const rows = labels.length;
  const votes = new Int32Array(256);
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    let best = -1;
    let bestVotes = 0;
    for (let t = 0; t < k; t++) votes[labels[indices[i * k + t]!]!]!++;
    for (let t = 0; t < k; t++) {
      const label = labels[indices[i * k + t]!]!;
      if (votes[label]! > bestVotes) {
        bestVotes = votes[label]!;
        best = label;
      }
    }
    for (let t = 0; t < k; t++) votes[labels[indices[i * k + t]!]!] = 0;
    if (best === labels[i]) correct++;
  }
  return correct / rows;
}

/**
 * Trustworthiness T(k) of `low` as a layout of `high` (Venna & Kaski 2001; as scikit-learn):
 * T = 1 - 2 / (n k (2n - 3k - 1)) Σ_i Σ_{j ∈ U_i} (r(i, j) - k), where U_i are i's k nearest neighbours in
 * `low` (ties by index) that are not among its k nearest in `high`, and r(i, j) is j's rank (1 = nearest) by
 * distance from i in `high` (Euclidean, summed in column order; ties by index). 1 means no false neighbours.
 * Exact on every point (no sampling): O(n² · cols) on `threads` threads. k must be below rows / 2.
 */
export function trustworthiness(high: Matrix, low: Matrix, k: number, options: QualityOptions = {}): number {
  return layoutsQuality(high, [low], undefined, k, options).layouts[0]!.trustworthiness;
}

/**
 * Mean over points of |kNN_high(i) ∩ kNN_low(i)| / k: the fraction of each point's k nearest neighbours in `high`
 * that are also among its k nearest in `low`, in [0, 1]. Exact up to `maxPoints` rows, else over a seeded sample.
 */
export function neighbourPreservation(high: Matrix, low: Matrix, k: number, options: SampleOptions = {}): number {
  const n = checkPair(high, low, k);
  const sample = samplePoints(n, options);
  const all = sample.length === n;
  const threads = { threads: options.threads };
  const highKnn: KnnGraph = all ? computeKnn(high, k, threads) : queryKnn(high, sample, k, threads);
  const lowKnn: KnnGraph = all ? computeKnn(low, k, threads) : queryKnn(low, sample, k, threads);
  const mark = new Int32Array(n).fill(-1);
  let kept = 0;
  for (let q = 0; q < sample.length; q++) {
    for (let t = 0; t < k; t++) mark[highKnn.indices[q * k + t]!] = q;
    for (let t = 0; t < k; t++) if (mark[lowKnn.indices[q * k + t]!] === q) kept++;
  }
  return kept / (sample.length * k);
}

function checkPair(high: Matrix, low: Matrix, k: number): number {
  assertMatrix(high, "high");
  checkLow(high, low);
  checkK(high, k);
  return high.rows;
}

function checkLow(high: Matrix, low: Matrix): void {
  assertMatrix(low, "low");
  if (high.rows !== low.rows) throw new RangeError(`high has ${high.rows} rows but low has ${low.rows}`);
}

function checkK(m: Matrix, k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > m.rows - 1) {
    throw new RangeError(`k must be an integer in 1..${m.rows - 1} (rows - 1) (got ${k})`);
  }
}

/** All rows in order, or `maxPoints` of them drawn without replacement from a seeded shuffle, ascending. */
function samplePoints(n: number, { maxPoints = DEFAULT_MAX_POINTS, seed = 0 }: SampleOptions): Int32Array {
  if (!Number.isInteger(maxPoints) || maxPoints < 1)
    throw new RangeError(`maxPoints must be an integer ≥ 1 (got ${maxPoints})`);
  if (n <= maxPoints) return range(n);
  return shuffleInPlace(range(n), createRng(seed)).slice(0, maxPoints).sort();
}

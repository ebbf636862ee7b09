// Layout quality metrics: leave-one-out kNN accuracy, trustworthiness and k-neighbour preservation.
import { forEachDistanceFrom } from "../distances";
import { createRng, range, shuffleInPlace } from "../random";
import { computeKnn, queryKnn, type KnnGraph } from "./knn";
import { assertMatrix, type Matrix } from "./matrix";

export interface SampleOptions {
  /**
   * Score at most this many points (a seeded sample) when there are more; each scored point costs O(rows · cols).
   * Default 2000, so up to 2,000 points the score is exact. Integer ≥ 1.
   */
  maxPoints?: number;
  /** Seed of the sample. Default 0. */
  seed?: number;
}

const DEFAULT_MAX_POINTS = 2000;

/**
 * Leave-one-out k-nearest-neighbour classification accuracy in the space of `data` [rows, cols]: each point is
 * given the majority label of its k nearest other points (a tie goes to the tied label met first, nearest first).
 * Returns the fraction predicted correctly, in [0, 1]. O(rows² · cols / 2).
 */
export function knnAccuracy(data: Float32Array, rows: number, cols: number, labels: Uint8Array, k = 10): number {
  const matrix = { data, rows, cols };
  assertMatrix(matrix, "data");
  if (labels.length !== rows) throw new RangeError(`labels has ${labels.length} entries, expected ${rows}`);
  const { indices } = computeKnn(matrix, k);
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
 * `low` that are not among its k nearest in `high`, and r(i, j) is j's rank (1 = nearest) by distance from i
 * in `high` (ties by index). 1 means no false neighbours. With more than `maxPoints` rows the sum runs over a
 * seeded sample of points i (still ranked against all rows) and n k in the factor becomes (sample size) · k.
 * k must be below rows / 2.
 */
export function trustworthiness(high: Matrix, low: Matrix, k: number, options: SampleOptions = {}): number {
  const n = checkPair(high, low, k);
  if (k >= n / 2) throw new RangeError(`k must be below rows / 2 = ${n / 2} for trustworthiness (got ${k})`);
  const sample = samplePoints(n, options);
  const lowNeighbours = queryKnn(low, sample, k);
  const distances = new Float64Array(n);
  const sorted = new Float64Array(n);
  let penalty = 0;
  for (let q = 0; q < sample.length; q++) {
    const i = sample[q]!;
    forEachDistanceFrom(high.data, n, high.cols, i, (j, d) => (distances[j] = d));
    distances[i] = -1; // below every real distance, so it never counts as closer than a neighbour
    sorted.set(distances);
    sorted.sort();
    for (let t = 0; t < k; t++) {
      const j = lowNeighbours.indices[q * k + t]!;
      const rank = rankOf(distances, sorted, j);
      if (rank > k) penalty += rank - k;
    }
  }
  return 1 - (2 * penalty) / (sample.length * k * (2 * n - 3 * k - 1));
}

/**
 * Mean over points of |kNN_high(i) ∩ kNN_low(i)| / k: the fraction of each point's k nearest neighbours in `high`
 * that are also among its k nearest in `low`, in [0, 1]. Exact up to `maxPoints` rows, else over a seeded sample.
 */
export function neighbourPreservation(high: Matrix, low: Matrix, k: number, options: SampleOptions = {}): number {
  const n = checkPair(high, low, k);
  const sample = samplePoints(n, options);
  const all = sample.length === n;
  const highKnn: KnnGraph = all ? computeKnn(high, k) : queryKnn(high, sample, k);
  const lowKnn: KnnGraph = all ? computeKnn(low, k) : queryKnn(low, sample, k);
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
  assertMatrix(low, "low");
  if (high.rows !== low.rows) throw new RangeError(`high has ${high.rows} rows but low has ${low.rows}`);
  if (!Number.isInteger(k) || k < 1 || k > high.rows - 1) {
    throw new RangeError(`k must be an integer in 1..${high.rows - 1} (rows - 1) (got ${k})`);
  }
  return high.rows;
}

/** All rows in order, or `maxPoints` of them drawn without replacement from a seeded shuffle, ascending. */
function samplePoints(n: number, { maxPoints = DEFAULT_MAX_POINTS, seed = 0 }: SampleOptions): Int32Array {
  if (!Number.isInteger(maxPoints) || maxPoints < 1)
    throw new RangeError(`maxPoints must be an integer ≥ 1 (got ${maxPoints})`);
  if (n <= maxPoints) return range(n);
  return shuffleInPlace(range(n), createRng(seed)).slice(0, maxPoints).sort();
}

/** 1 + the number of other points closer to i than j (ties by index), given i's distances and their sorted copy. */
function rankOf(distances: Float64Array, sorted: Float64Array, j: number): number {
  const d = distances[j]!;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < d) lo = mid + 1;
    else hi = mid;
  }
  // lo counts the point itself (stored as -1); equal distances at lower indices rank ahead.
  let ties = 0;
  if (lo + 1 < sorted.length && sorted[lo + 1] === d) for (let l = 0; l < j; l++) if (distances[l] === d) ties++;
  return lo + ties;
}

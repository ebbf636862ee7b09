// How well two classes separate in an embedding (kNN purity, silhouette), for one pair or all pairs from one pass.
import { NUM_CLASSES as CLASSES } from "../../core/constants";
import { forEachRowPair } from "../distances";

/** Neighbours for kNN purity: what the pair pages show and the pairs stage stores. */
export const SEPARATION_K = 10;

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

/**
 * Gathers ClassNeighbours of `data` [rows, cols] (float64, row-major) with `labels` in 0..classes-1.
 * O(rows² · cols) time, O(rows · classes · k) memory: no distance matrix is kept.
 */
export function gatherClassNeighbours(
  data: Float64Array,
  rows: number,
  cols: number,
  labels: Uint8Array,
  classes: number,
  k: number,
): ClassNeighbours {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a whole number ≥ 1, got ${k}`);
  if (labels.length !== rows) throw new RangeError(`labels has ${labels.length} entries, expected ${rows}`);
  const counts = new Int32Array(classes);
  labels.forEach((l, r) => {
    if (l >= classes) throw new RangeError(`label ${l} of row ${r} is not below ${classes}`);
    counts[l]!++;
  });
  const sums = new Float64Array(rows * classes);
  const nearDistance = new Float64Array(rows * classes * k);
  const nearRow = new Int32Array(rows * classes * k);
  const filled = new Int32Array(rows * classes);

  /** Offers row q at `distance` to row p's list for q's class, kept sorted by (distance, row). */
  const offer = (p: number, q: number, distance: number) => {
    const list = p * classes + labels[q]!;
    sums[list]! += distance;
    const base = list * k;
    let n = filled[list]!;
    if (n === k) {
      const last = base + k - 1;
      if (distance > nearDistance[last]! || (distance === nearDistance[last]! && q > nearRow[last]!)) return;
      n--;
    } else filled[list] = n + 1;
    let at = base + n;
    while (
      at > base &&
      (nearDistance[at - 1]! > distance || (nearDistance[at - 1]! === distance && nearRow[at - 1]! > q))
    ) {
      nearDistance[at] = nearDistance[at - 1]!;
      nearRow[at] = nearRow[at - 1]!;
      at--;
    }
    nearDistance[at] = distance;
    nearRow[at] = q;
  };
  forEachRowPair(data, rows, cols, (x, y, distanceSq) => {
    const distance = Math.sqrt(distanceSq);
    offer(x, y, distance);
    offer(y, x, distance);
  });
  return { rows, classes, k, labels, counts, sums, nearDistance, nearRow, filled };
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
 * do not depend on the other classes' rows). About 1.8× fewer distances than 45 separate pairs.
 */
export function allPairSeparations(
  data: Float64Array,
  rows: number,
  cols: number,
  labels: Uint8Array,
  k: number,
): PairScore[] {
  const stats = gatherClassNeighbours(data, rows, cols, labels, CLASSES, k);
  const out: PairScore[] = [];
  for (let a = 0; a < CLASSES; a++) for (let b = a + 1; b < CLASSES; b++) out.push({ a, b, ...scorePair(stats, a, b) });
  return out;
}

// Confusable digit pairs: ranking from a confusion matrix, separation of two classes in an embedding (pure).
import { NUM_CLASSES } from "../../core/constants";
import { gatherClassNeighbours, scorePair, type Separation } from "../pairs/separation";

/** The pairs the seed notebook names as confusable: 4/9, 4/7, 7/9, 1/7, 3/5, 5/7. */
export const SEED_PAIRS: ReadonlyArray<readonly [number, number]> = [
  [4, 9],
  [4, 7],
  [7, 9],
  [1, 7],
  [3, 5],
  [5, 7],
];

export function isSeedPair(a: number, b: number): boolean {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return SEED_PAIRS.some(([x, y]) => x === lo && y === hi);
}

export interface PairCount {
  /** a < b */
  a: number;
  b: number;
  /** true a predicted b */
  aAsB: number;
  /** true b predicted a */
  bAsA: number;
  total: number;
}

/** All 45 unordered pairs with both directions' counts, most confused first (ties by a, then b). */
export function rankPairs(confusion: ArrayLike<number>): PairCount[] {
  if (confusion.length !== NUM_CLASSES * NUM_CLASSES)
    throw new RangeError(`confusion must have 100 cells, got ${confusion.length}`);
  const pairs: PairCount[] = [];
  for (let a = 0; a < NUM_CLASSES; a++) {
    for (let b = a + 1; b < NUM_CLASSES; b++) {
      const aAsB = confusion[a * NUM_CLASSES + b]!;
      const bAsA = confusion[b * NUM_CLASSES + a]!;
      pairs.push({ a, b, aAsB, bAsA, total: aAsB + bAsA });
    }
  }
  return pairs.sort((x, y) => y.total - x.total || x.a - y.a || x.b - y.b);
}

/** Parses "4-9" (either order) into [lo, hi]; null for anything else, including "4-4". */
export function parsePair(text: string): [number, number] | null {
  const m = /^([0-9])-([0-9])$/.exec(text);
  if (!m) return null;
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (a === b) return null;
  return a < b ? [a, b] : [b, a];
}

export type { Separation } from "../pairs/separation";

/**
 * How well classes `a` and `b` are separated in `data` [rows, cols] (row-major), using only their points: kNN purity
 * (k nearest by Euclidean distance, ties by row) and silhouette, as lib/pairs/separation.ts defines them.
 * O(m² · cols) for m points of the two classes: meant for probe sets (a few hundred per class).
 */
export function pairSeparation(
  data: Float32Array,
  cols: number,
  labels: Uint8Array,
  a: number,
  b: number,
  k = 10,
): Separation {
  if (data.length !== labels.length * cols)
    throw new RangeError(`data has ${data.length} values, expected ${labels.length} x ${cols}`);
  const members: number[] = [];
  labels.forEach((l, i) => {
    if (l === a || l === b) members.push(i);
  });
  // The pair's rows in one contiguous float64 block (exact copies), labelled 0 for a and 1 for b.
  const block = new Float64Array(members.length * cols);
  members.forEach((r, at) => block.set(data.subarray(r * cols, (r + 1) * cols), at * cols));
  const classes = Uint8Array.from(members, (r) => (labels[r] === a ? 0 : 1));
  return scorePair(gatherClassNeighbours(block, members.length, cols, classes, 2, k), 0, 1);
}

/** Mean image of each class's digits, [784] in 0..1, from pixels [n, 784] bytes. */
export function meanImage(pixels: Uint8Array, labels: Uint8Array, digit: number, pixelsPerImage = 784): Float32Array {
  const sum = new Float64Array(pixelsPerImage);
  let count = 0;
  labels.forEach((l, i) => {
    if (l !== digit) return;
    count++;
    for (let p = 0; p < pixelsPerImage; p++) sum[p]! += pixels[i * pixelsPerImage + p]!;
  });
  return Float32Array.from(sum, (s) => (count ? s / count / 255 : 0));
}

/**
 * Digits of true class `a` ranked by how close the model came to calling them `b`:
 * margin p(a) − p(b) ascending (negative = predicted b over a). probs [n, 10].
 */
export function closestToOther(
  probs: Float32Array,
  labels: Uint8Array,
  a: number,
  b: number,
  limit = 24,
): Array<{ index: number; margin: number }> {
  const out: Array<{ index: number; margin: number }> = [];
  labels.forEach((l, i) => {
    if (l === a) out.push({ index: i, margin: probs[i * NUM_CLASSES + a]! - probs[i * NUM_CLASSES + b]! });
  });
  return out.sort((x, y) => x.margin - y.margin || x.index - y.index).slice(0, limit);
}

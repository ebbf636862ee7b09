// Confusable digit pairs: ranking from a confusion matrix, separation of two classes in an embedding (pure).
import { NUM_CLASSES } from "../mnist/idx";

/** The pairs the seed notebook names as confusable: 4/9, 4/7, 7/9, 1/7, 3/5, 5/7. */
export const SEED_PAIRS: ReadonlyArray<readonly [number, number]> = [[4, 9], [4, 7], [7, 9], [1, 7], [3, 5], [5, 7]];

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
  if (confusion.length !== NUM_CLASSES * NUM_CLASSES) throw new RangeError(`confusion must have 100 cells, got ${confusion.length}`);
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

export interface Separation {
  /** Mean fraction of each point's k nearest neighbours (among the two classes) sharing its class: 1 = separated, ≈ 0.5 = mixed. */
  knnPurity: number;
  /** Mean silhouette with the two classes as clusters, in [-1, 1]: near 0 = overlapping. */
  silhouette: number;
  count: number;
}

/**
 * How well classes `a` and `b` are separated in `data` [rows, cols] (row-major), using only their points.
 * O(m² · cols) for m points of the two classes: meant for probe sets (a few hundred per class).
 */
export function pairSeparation(data: Float32Array, cols: number, labels: Uint8Array, a: number, b: number, k = 10): Separation {
  if (data.length !== labels.length * cols) throw new RangeError(`data has ${data.length} values, expected ${labels.length} x ${cols}`);
  const members: number[] = [];
  labels.forEach((l, i) => {
    if (l === a || l === b) members.push(i);
  });
  const m = members.length;
  const countA = members.filter((i) => labels[i] === a).length;
  if (countA < 2 || m - countA < 2) return { knnPurity: Number.NaN, silhouette: Number.NaN, count: m };
  const kk = Math.min(k, m - 1);
  const dist = new Float64Array(m * m);
  for (let x = 0; x < m; x++) {
    const ox = members[x]! * cols;
    for (let y = x + 1; y < m; y++) {
      const oy = members[y]! * cols;
      let s = 0;
      for (let c = 0; c < cols; c++) {
        const d = data[ox + c]! - data[oy + c]!;
        s += d * d;
      }
      const d = Math.sqrt(s);
      dist[x * m + y] = d;
      dist[y * m + x] = d;
    }
  }
  let puritySum = 0;
  let silhouetteSum = 0;
  const order = new Int32Array(m - 1);
  for (let x = 0; x < m; x++) {
    const own = labels[members[x]!];
    let j = 0;
    let sameSum = 0;
    let otherSum = 0;
    let sameCount = 0;
    for (let y = 0; y < m; y++) {
      if (y === x) continue;
      order[j++] = y;
      if (labels[members[y]!] === own) {
        sameSum += dist[x * m + y]!;
        sameCount++;
      } else otherSum += dist[x * m + y]!;
    }
    order.sort((p, q) => dist[x * m + p]! - dist[x * m + q]! || p - q);
    let same = 0;
    for (let t = 0; t < kk; t++) if (labels[members[order[t]!]!] === own) same++;
    puritySum += same / kk;
    const intra = sameSum / sameCount;
    const inter = otherSum / (m - 1 - sameCount);
    silhouetteSum += (inter - intra) / Math.max(inter, intra) || 0;
  }
  return { knnPurity: puritySum / m, silhouette: silhouetteSum / m, count: m };
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
export function closestToOther(probs: Float32Array, labels: Uint8Array, a: number, b: number, limit = 24): Array<{ index: number; margin: number }> {
  const out: Array<{ index: number; margin: number }> = [];
  labels.forEach((l, i) => {
    if (l === a) out.push({ index: i, margin: probs[i * NUM_CLASSES + a]! - probs[i * NUM_CLASSES + b]! });
  });
  return out.sort((x, y) => x.margin - y.margin || x.index - y.index).slice(0, limit);
}

// The margin p(a) − p(b) of a digit pair's digits and its histogram per class: how far apart the model holds the pair (pure).
import { NUM_CLASSES } from "../../core/constants";

/** Margins of the rows labelled a or b, in row order. */
export interface PairMargins {
  /** Row of each margin in the probabilities, int32 [k]. */
  rows: Int32Array;
  /** 1 where the row is labelled a, 0 where it is labelled b, uint8 [k]. */
  isA: Uint8Array;
  /** p(a) − p(b) of each row, float32 [k], in [−1, 1]. */
  margins: Float32Array;
}

function checkPair(a: number, b: number): void {
  for (const [name, v] of [
    ["a", a],
    ["b", b],
  ] as const)
    if (!Number.isInteger(v) || v < 0 || v >= NUM_CLASSES)
      throw new RangeError(`pair margins: ${name} must be a class 0–${NUM_CLASSES - 1}, got ${v}`);
  if (a === b) throw new RangeError(`pair margins: a and b must differ, got ${a} twice`);
}

/** Which rows of `labels` are labelled a or b (in order) and whether each is an a: the same for every epoch. */
export function selectPairRows(labels: ArrayLike<number>, a: number, b: number): Pick<PairMargins, "rows" | "isA"> {
  checkPair(a, b);
  const rows: number[] = [];
  const isA: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === a || labels[i] === b) {
      rows.push(i);
      isA.push(labels[i] === a ? 1 : 0);
    }
  }
  return { rows: Int32Array.from(rows), isA: Uint8Array.from(isA) };
}

/** p(a) − p(b) of `rows` in probabilities float32 [n, 10]. */
export function marginsOf(probs: Float32Array, rows: Int32Array, a: number, b: number): Float32Array {
  checkPair(a, b);
  const out = new Float32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const base = rows[k]! * NUM_CLASSES;
    if (base + NUM_CLASSES > probs.length)
      throw new RangeError(
        `pair margins: row ${rows[k]} is past the ${probs.length / NUM_CLASSES} rows of probabilities`,
      );
    out[k] = probs[base + a]! - probs[base + b]!;
  }
  return out;
}

/** Counts per bin of each class's margins, `bins` equal bins over [−1, 1] (1 falls in the last). */
export interface MarginHistogram {
  countsA: Int32Array;
  countsB: Int32Array;
}

export function histogramMargins(margins: Float32Array, isA: Uint8Array, bins: number): MarginHistogram {
  if (!Number.isInteger(bins) || bins < 2 || bins > 1000)
    throw new RangeError(`margin histogram: bins must be a whole number in [2, 1000], got ${bins}`);
  if (margins.length !== isA.length)
    throw new RangeError(`margin histogram: ${margins.length} margins but ${isA.length} class flags`);
  const countsA = new Int32Array(bins);
  const countsB = new Int32Array(bins);
  for (let k = 0; k < margins.length; k++) {
    const m = margins[k]!;
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(((m + 1) / 2) * bins)));
    (isA[k] ? countsA : countsB)[bin]!++;
  }
  return { countsA, countsB };
}

/** Median of the margins of one class (isA = 1 for a's, 0 for b's); null when the class has none. */
export function medianMargin(margins: Float32Array, isA: Uint8Array, ofA: boolean): number | null {
  const values = margins.filter((_, k) => (isA[k] === 1) === ofA).sort();
  if (values.length === 0) return null;
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

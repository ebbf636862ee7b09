// Confusion-matrix heatmap layout: counts or row-normalised rates, fill colours and readable text colours.
import { interpolateBlues } from "d3";
import { NUM_CLASSES as CLASSES } from "../core/constants";

export interface ConfusionCell {
  trueLabel: number;
  predicted: number;
  count: number;
  /** count / row total (0 for an empty row). */
  rate: number;
  /** 0..1 colour intensity. */
  intensity: number;
  fill: string;
  /** Text colour readable on `fill`. */
  textFill: string;
}

export interface ConfusionLayout {
  cells: ConfusionCell[];
  rowTotals: number[];
  colTotals: number[];
  total: number;
  correct: number;
}

/** Row-normalised rates of a 10x10 row-major matrix (rows = true label); an empty row stays 0. */
export function normaliseRows(counts: ArrayLike<number>): Float64Array {
  if (counts.length !== CLASSES * CLASSES)
    throw new RangeError(`confusion matrix has ${counts.length} cells, expected 100`);
  const out = new Float64Array(CLASSES * CLASSES);
  for (let t = 0; t < CLASSES; t++) {
    let sum = 0;
    for (let p = 0; p < CLASSES; p++) sum += counts[t * CLASSES + p]!;
    for (let p = 0; p < CLASSES; p++) out[t * CLASSES + p] = sum ? counts[t * CLASSES + p]! / sum : 0;
  }
  return out;
}

/** Text on a d3 Blues fill: dark on the light half, white on the dark half. */
export function textOnBlues(intensity: number): string {
  return intensity > 0.5 ? "#ffffff" : "#1b1f24";
}

/**
 * Cells of the heatmap. Counts use a square-root intensity so off-diagonal errors stay visible next to
 * a diagonal of hundreds; rates use a linear intensity (they are already comparable across rows).
 */
export function layoutConfusion(counts: ArrayLike<number>, normalised: boolean): ConfusionLayout {
  const rates = normaliseRows(counts);
  let maxCount = 0;
  let total = 0;
  let correct = 0;
  const rowTotals = new Array<number>(CLASSES).fill(0);
  const colTotals = new Array<number>(CLASSES).fill(0);
  for (let t = 0; t < CLASSES; t++) {
    for (let p = 0; p < CLASSES; p++) {
      const c = counts[t * CLASSES + p]!;
      maxCount = Math.max(maxCount, c);
      total += c;
      if (t === p) correct += c;
      rowTotals[t]! += c;
      colTotals[p]! += c;
    }
  }
  const cells: ConfusionCell[] = [];
  for (let t = 0; t < CLASSES; t++) {
    for (let p = 0; p < CLASSES; p++) {
      const count = counts[t * CLASSES + p]!;
      const rate = rates[t * CLASSES + p]!;
      const intensity = normalised ? rate : maxCount ? Math.sqrt(count / maxCount) : 0;
      // Keep a faint tint on non-zero cells so a single error is still distinguishable from none.
      const shown = count > 0 ? Math.max(intensity, 0.08) : 0;
      cells.push({
        trueLabel: t,
        predicted: p,
        count,
        rate,
        intensity: shown,
        fill: interpolateBlues(shown),
        textFill: textOnBlues(shown),
      });
    }
  }
  return { cells, rowTotals, colTotals, total, correct };
}

/** The text of a cell: its count, or its rate in percent with one decimal (e.g. "97.3"). */
export function cellLabel(cell: ConfusionCell, normalised: boolean): string {
  if (!normalised) return String(cell.count);
  if (cell.count === 0) return "0";
  return (cell.rate * 100).toFixed(cell.rate >= 0.1 ? 0 : 1);
}

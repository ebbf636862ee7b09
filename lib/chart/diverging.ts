// Diverging colour scales for signed differences: the B − A confusion matrix and a pair's mean-image difference.
import { interpolateRdBu, rgb } from "d3";
import { NUM_CLASSES } from "../core/constants";

/** d3's RdBu at `t` in [-1, 1]: -1 red, 0 near white, +1 blue; out-of-range values are clamped, NaN is white. */
export function divergingFill(t: number): string {
  const u = Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0;
  return interpolateRdBu(0.5 + u / 2);
}

/** Text readable on `divergingFill(t)`: white on the saturated ends, dark in the pale middle. */
export function textOnDiverging(t: number): string {
  return Math.abs(t) > 0.55 ? "#ffffff" : "#1b1f24";
}

export interface DifferenceCell {
  trueLabel: number;
  predicted: number;
  /** B − A count. */
  delta: number;
  /** +1 when B did better in this cell (more correct on the diagonal, fewer errors off it), −1 worse, 0 equal. */
  better: number;
  fill: string;
  textFill: string;
}

/**
 * Cells of a 10×10 B − A confusion difference (rows = true label), coloured by whether B did better (blue) or worse
 * (red): on the diagonal a positive delta is better, off it a negative one. Intensity is √(|delta| / max |delta|) so
 * a difference of one digit stays visible next to a diagonal that moved by dozens.
 */
export function layoutDifference(diff: ArrayLike<number>): DifferenceCell[] {
  if (diff.length !== 100) throw new RangeError(`difference matrix has ${diff.length} cells, expected 100`);
  let maxAbs = 0;
  for (let i = 0; i < 100; i++) maxAbs = Math.max(maxAbs, Math.abs(diff[i]!));
  const cells: DifferenceCell[] = [];
  for (let t = 0; t < NUM_CLASSES; t++) {
    for (let p = 0; p < NUM_CLASSES; p++) {
      const delta = diff[t * NUM_CLASSES + p]!;
      const better = Math.sign(t === p ? delta : -delta);
      const intensity = maxAbs ? better * Math.sqrt(Math.abs(delta) / maxAbs) : 0;
      cells.push({
        trueLabel: t,
        predicted: p,
        delta,
        better,
        fill: divergingFill(intensity),
        textFill: textOnDiverging(intensity),
      });
    }
  }
  return cells;
}

/** A signed count as text: "+3", "−2" (a true minus sign), "0". */
export function formatDelta(delta: number): string {
  return delta > 0 ? `+${delta}` : delta < 0 ? `\u2212${-delta}` : "0";
}

/**
 * RGBA of `values` (e.g. mean(a) − mean(b), [784] in −1..1) on the diverging scale, scaled so ±`maxAbs` are the
 * saturated ends (blue = positive, red = negative), into `out` [values.length * 4] (e.g. an ImageData buffer).
 */
export function divergingRgba(values: ArrayLike<number>, maxAbs: number, out: Uint8ClampedArray): Uint8ClampedArray {
  if (out.length !== values.length * 4)
    throw new RangeError(`output has ${out.length} bytes, expected ${values.length * 4}`);
  const scale = maxAbs > 0 ? 1 / maxAbs : 0;
  for (let i = 0; i < values.length; i++) {
    const c = rgb(divergingFill(values[i]! * scale));
    out[i * 4] = c.r;
    out[i * 4 + 1] = c.g;
    out[i * 4 + 2] = c.b;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** The largest |value|, at least `floor` so a near-zero difference is not blown up to full saturation. */
export function maxAbsolute(values: ArrayLike<number>, floor = 0): number {
  let m = floor;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

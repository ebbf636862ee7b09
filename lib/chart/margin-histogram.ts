// Geometry of a back-to-back margin histogram: class a's share per bin above the baseline, class b's below, over
// margins −1…1 (pure, safe in the browser; React draws the paths).
import { area, curveStepAfter, scaleLinear } from "d3";
import type { Tick } from "./ticks";

export interface MarginPlotSize {
  width: number;
  height: number;
  /** Room under the plot for the axis labels. */
  axis: number;
}

export interface MarginPlot {
  /** Filled step outlines; empty when the class has no digits. */
  pathA: string;
  pathB: string;
  baselineY: number;
  zeroX: number;
  ticks: Tick[];
}

/** The largest share of a class's digits in one bin over every epoch: one y scale for all small multiples. */
export function peakShare(
  epochs: ReadonlyArray<{ countsA: readonly number[]; countsB: readonly number[] }>,
  totalA: number,
  totalB: number,
): number {
  let peak = 0;
  for (const e of epochs) {
    if (totalA > 0) for (const c of e.countsA) peak = Math.max(peak, c / totalA);
    if (totalB > 0) for (const c of e.countsB) peak = Math.max(peak, c / totalB);
  }
  return peak;
}

/**
 * Paths of one epoch's histogram: bins split [−1, 1] evenly; each bar's height is its share of its class (so classes
 * of different sizes compare) over `peak`, a above the middle line and b below it.
 */
export function layoutMarginHistogram(
  countsA: readonly number[],
  countsB: readonly number[],
  totalA: number,
  totalB: number,
  peak: number,
  size: MarginPlotSize,
): MarginPlot {
  if (countsA.length !== countsB.length || countsA.length < 2)
    throw new RangeError(`margin histogram: ${countsA.length} and ${countsB.length} bins (need the same, ≥ 2)`);
  const bins = countsA.length;
  const x = scaleLinear().domain([-1, 1]).range([0, size.width]);
  const plotHeight = size.height - size.axis;
  const baselineY = plotHeight / 2;
  const y = scaleLinear()
    .domain([0, peak > 0 ? peak : 1])
    .range([0, plotHeight / 2 - 1]);
  const edges = Array.from({ length: bins + 1 }, (_, i) => -1 + (2 * i) / bins);
  const outline = (counts: readonly number[], total: number, sign: 1 | -1) => {
    if (total <= 0) return "";
    const share = (i: number) => counts[Math.min(i, bins - 1)]! / total;
    return (
      area<number>()
        .curve(curveStepAfter)
        .x((edge) => x(edge))
        .y0(baselineY)
        .y1((_, i) => baselineY - sign * y(share(i)))(edges) ?? ""
    );
  };
  return {
    pathA: outline(countsA, totalA, 1),
    pathB: outline(countsB, totalB, -1),
    baselineY,
    zeroX: x(0),
    // Three labels: a small multiple is ~200 px wide, and −1, 0 and 1 are the margins that mean something.
    ticks: [-1, 0, 1].map((value) => ({ value, pos: x(value), label: value < 0 ? "−1" : String(value) })),
  };
}

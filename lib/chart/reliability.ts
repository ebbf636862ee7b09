// A reliability diagram's view data and layout: bins as plain numbers for a client component, and the bars and gap
// rectangles placed by d3 scales (safe on both sides).
import { scaleLinear } from "d3";

/** One bin of the top-label diagram; null confidence and accuracy when the bin is empty. */
export interface ReliabilityBinView {
  lower: number;
  upper: number;
  count: number;
  confidence: number | null;
  accuracy: number | null;
}

/** One set of predictions' calibration: the top-label bins, ECE and the ten per-class ECEs. */
export interface CalibrationView {
  count: number;
  ece: number | null;
  classwiseEce: number | null;
  perClassEce: Array<number | null>;
  bins: ReliabilityBinView[];
}

export interface ReliabilityBar {
  x: number;
  width: number;
  /** Top of the accuracy bar and of the expected (confidence) level. */
  accuracyY: number;
  confidenceY: number;
  baseY: number;
  bin: ReliabilityBinView;
}

/** Bars of the non-empty bins in a `width` × `height` plot with `margin` around it (x = confidence, y = accuracy). */
export function layoutReliability(
  bins: ReliabilityBinView[],
  width: number,
  height: number,
  margin = { top: 10, right: 10, bottom: 36, left: 44 },
) {
  const x = scaleLinear()
    .domain([0, 1])
    .range([margin.left, width - margin.right]);
  const y = scaleLinear()
    .domain([0, 1])
    .range([height - margin.bottom, margin.top]);
  const bars: ReliabilityBar[] = bins.flatMap((bin) =>
    bin.count > 0 && bin.accuracy !== null && bin.confidence !== null
      ? [
          {
            x: x(bin.lower) + 1,
            width: Math.max(1, x(bin.upper) - x(bin.lower) - 2),
            accuracyY: y(bin.accuracy),
            confidenceY: y(bin.confidence),
            baseY: y(0),
            bin,
          },
        ]
      : [],
  );
  return { x, y, bars, margin, width, height, ticks: x.ticks(5) };
}

/** A non-finite number (NaN from an empty bin or set) as null, so the value survives JSON. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

// Layout of the per-epoch training curves (train vs validation): scales, paths, ticks, best-epoch marker.
import { extent, line, max, scaleLinear } from "d3";
import { integerTicks, linearTicks, type Tick } from "./ticks";

export interface CurveSeries {
  key: string;
  label: string;
  /** One value per epoch in `epochs` order; NaN or null leaves a gap. */
  values: Array<number | null>;
}

export interface CurveOptions {
  /** 1-based epoch numbers, ascending. */
  epochs: number[];
  series: CurveSeries[];
  /** Planned epochs: the x axis spans 1..planned so a live chart does not rescale as epochs arrive. */
  epochsPlanned: number;
  /** "loss" starts the y axis at 0; "accuracy" fits [min, 1]; "count" starts at 0 with integer ticks. */
  kind: "loss" | "accuracy" | "count";
  /** The best-val_loss epoch (the kept checkpoint), marked on the chart. */
  bestEpoch?: number | null;
  /** SVG units (the viewBox); default 420 x 240. */
  width?: number;
  height?: number;
}

export interface CurvePoint {
  epoch: number;
  value: number;
  x: number;
  y: number;
}

export interface CurveLayout {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  xDomain: [number, number];
  xTicks: Tick[];
  yTicks: Tick[];
  series: Array<{ key: string; label: string; path: string; points: CurvePoint[] }>;
  /** x of the best epoch, or null when there is none among `epochs`. */
  bestX: number | null;
}

const MARGIN = { top: 12, right: 14, bottom: 34, left: 52 };

function isValue(v: number | null | undefined): v is number {
  return v !== null && v !== undefined && Number.isFinite(v);
}

export function layoutCurves(options: CurveOptions): CurveLayout {
  const width = options.width ?? 420;
  const height = options.height ?? 240;
  const m = MARGIN;
  const lastEpoch = Math.max(options.epochsPlanned, options.epochs.at(-1) ?? 1);
  // A single epoch still needs a non-empty domain.
  const xDomain: [number, number] = lastEpoch > 1 ? [1, lastEpoch] : [0.5, 1.5];
  const x = scaleLinear()
    .domain(xDomain)
    .range([m.left, width - m.right]);
  const values = options.series.flatMap((s) => s.values.filter(isValue));
  let yDomain: [number, number];
  if (options.kind === "loss" || options.kind === "count") {
    yDomain = [0, (max(values) ?? 1) * 1.05 || 1];
  } else {
    const [lo] = extent(values);
    yDomain = [Math.max(0, Math.min(lo ?? 0, 0.999) - 0.01), 1];
  }
  const y = scaleLinear()
    .domain(yDomain)
    .range([height - m.bottom, m.top])
    .nice(5);
  const niceDomain = y.domain() as [number, number];
  const series = options.series.map((s) => {
    const points: CurvePoint[] = [];
    s.values.forEach((v, i) => {
      const epoch = options.epochs[i];
      if (epoch !== undefined && isValue(v)) points.push({ epoch, value: v, x: x(epoch), y: y(v) });
    });
    const path =
      line<CurvePoint>(
        (p) => p.x,
        (p) => p.y,
      )(points) ?? "";
    return { key: s.key, label: s.label, path, points };
  });
  const best = options.bestEpoch;
  return {
    width,
    height,
    margin: m,
    xDomain,
    xTicks: integerTicks(xDomain, [m.left, width - m.right], Math.min(lastEpoch, 8)),
    yTicks:
      options.kind === "count"
        ? integerTicks(niceDomain, [height - m.bottom, m.top], 5)
        : linearTicks(niceDomain, [height - m.bottom, m.top], 5, options.kind === "accuracy" ? ".0%" : undefined),
    series,
    bestX: isValue(best) && options.epochs.includes(best) ? x(best) : null,
  };
}

/** The recorded epoch nearest to an x position in SVG units (for tooltips), or null when there are none. */
export function nearestEpoch(layout: CurveLayout, epochs: readonly number[], px: number): number | null {
  if (epochs.length === 0) return null;
  const x = scaleLinear()
    .domain(layout.xDomain)
    .range([layout.margin.left, layout.width - layout.margin.right]);
  const target = x.invert(px);
  let best = epochs[0]!;
  for (const e of epochs) if (Math.abs(e - target) < Math.abs(best - target)) best = e;
  return best;
}

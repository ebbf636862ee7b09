// Axis ticks from d3 scales as plain data (value, position, label) for React to render as SVG.
import { format, scaleLinear } from "d3";

export interface Tick {
  value: number;
  /** Position along the axis in SVG units. */
  pos: number;
  label: string;
}

/** About `count` nice ticks of a linear scale mapping `domain` onto `range`. */
export function linearTicks(
  domain: [number, number],
  range: [number, number],
  count: number,
  specifier?: string,
): Tick[] {
  const scale = scaleLinear().domain(domain).range(range);
  const fmt = scale.tickFormat(count, specifier);
  return scale.ticks(count).map((value) => ({ value, pos: scale(value), label: fmt(value) }));
}

/** Integer ticks only (epochs, classes): d3's ticks with fractions dropped. */
export function integerTicks(domain: [number, number], range: [number, number], count: number): Tick[] {
  const scale = scaleLinear().domain(domain).range(range);
  return scale
    .ticks(count)
    .filter((v) => Number.isInteger(v))
    .map((value) => ({ value, pos: scale(value), label: String(value) }));
}

export const formatPercent = format(".2%");
export const formatLoss = format(".4f");
export const formatCount = format(",");

// Bar chart of a digit's 10 predicted probabilities (the seed's figure), true vs predicted class marked.
import { scaleBand, scaleLinear } from "d3";
import { linearTicks, type Tick } from "./ticks";
import { NUM_CLASSES } from "../core/constants";

export type BarRole = "true" | "predicted" | "correct" | "other";

export interface ProbabilityBar {
  cls: number;
  prob: number;
  x: number;
  y: number;
  width: number;
  height: number;
  role: BarRole;
}

export interface BarsLayout {
  width: number;
  height: number;
  baseline: number;
  left: number;
  bars: ProbabilityBar[];
  yTicks: Tick[];
}

/** Role of class `cls`: the true class predicted correctly, the true class missed, the wrong prediction, or neither. */
export function barRole(cls: number, trueLabel: number, predicted: number): BarRole {
  if (cls === trueLabel) return cls === predicted ? "correct" : "true";
  return cls === predicted ? "predicted" : "other";
}

export function layoutProbabilityBars(
  probs: ArrayLike<number>,
  trueLabel: number,
  predicted: number,
  size: { width: number; height: number } = { width: 360, height: 200 },
): BarsLayout {
  if (probs.length !== NUM_CLASSES) throw new RangeError(`expected ${NUM_CLASSES} probabilities, got ${probs.length}`);
  const margin = { top: 10, right: 8, bottom: 24, left: 40 };
  const x = scaleBand<number>()
    .domain(Array.from({ length: NUM_CLASSES }, (_, i) => i))
    .range([margin.left, size.width - margin.right])
    .padding(0.2);
  const baseline = size.height - margin.bottom;
  const y = scaleLinear().domain([0, 1]).range([baseline, margin.top]);
  const bars = Array.from({ length: NUM_CLASSES }, (_, cls) => {
    const prob = Math.max(0, Math.min(1, probs[cls]!));
    return {
      cls,
      prob,
      x: x(cls)!,
      y: y(prob),
      width: x.bandwidth(),
      height: baseline - y(prob),
      role: barRole(cls, trueLabel, predicted),
    };
  });
  return {
    width: size.width,
    height: size.height,
    baseline,
    left: margin.left,
    bars,
    yTicks: linearTicks([0, 1], [baseline, margin.top], 5, ".0%"),
  };
}

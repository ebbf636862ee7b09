// A digit pair's separation table (layer × epoch): cell colours and labels, where and when the two classes separate.
import { interpolateGreens } from "d3";
import type { SeparationMetric } from "./pair-view";

/** One score: kNN purity in [0, 1] (0.5 ≈ chance for two balanced classes) and silhouette in [-1, 1]; NaN when unknown. */
export interface SeparationScore {
  knnPurity: number;
  silhouette: number;
}

/** The shown metric's value of a score. */
export function metricValue(score: SeparationScore, metric: SeparationMetric): number {
  return metric === "knn" ? score.knnPurity : score.silhouette;
}

/**
 * 0..1 colour intensity of a score: purity from chance (0.5) to 1, silhouette from 0 to 1; below those floors 0.
 * NaN (a class with fewer than two points) gives NaN so the cell can show "—".
 */
export function separationIntensity(value: number, metric: SeparationMetric): number {
  if (!Number.isFinite(value)) return Number.NaN;
  const t = metric === "knn" ? (value - 0.5) / 0.5 : value;
  return Math.max(0, Math.min(1, t));
}

export function separationFill(value: number, metric: SeparationMetric): string {
  const t = separationIntensity(value, metric);
  return Number.isNaN(t) ? "#f1f5f9" : interpolateGreens(0.05 + 0.85 * t);
}

export function separationText(value: number, metric: SeparationMetric): string {
  const t = separationIntensity(value, metric);
  return !Number.isNaN(t) && t > 0.6 ? "#ffffff" : "#1b1f24";
}

/** A score as a cell label: purity in percent without decimals ("97"), silhouette with two decimals ("0.41"). */
export function formatSeparation(value: number, metric: SeparationMetric): string {
  if (!Number.isFinite(value)) return "—";
  return metric === "knn" ? (value * 100).toFixed(0) : value.toFixed(2);
}

/** kNN purity from which two classes count as separated in a layer. */
export const SEPARATED_PURITY = 0.95;

/**
 * The first epoch at which each layer's kNN purity reaches `threshold` and stays there for every later epoch;
 * null for a layer that never does (or falls back below it). `cells` holds one score per (layer, epoch).
 */
export function separatedFrom(
  cells: ReadonlyArray<{ layerIndex: number; epoch: number; knnPurity: number }>,
  threshold = SEPARATED_PURITY,
): Map<number, number | null> {
  const byLayer = new Map<number, Array<{ epoch: number; knnPurity: number }>>();
  for (const c of cells) {
    const list = byLayer.get(c.layerIndex) ?? [];
    list.push(c);
    byLayer.set(c.layerIndex, list);
  }
  const out = new Map<number, number | null>();
  for (const [layer, list] of byLayer) {
    list.sort((x, y) => x.epoch - y.epoch);
    let from: number | null = null;
    for (const c of list) {
      if (c.knnPurity >= threshold) from ??= c.epoch;
      else from = null;
    }
    out.set(layer, from);
  }
  return out;
}

// The data map's named regions (Swayamdipta et al. 2020: easy-to-learn, ambiguous, hard-to-learn) and its box
// selection, over confidence (y) and variability (x) (pure, safe in the browser).

export type DataMapRegion = "easy-to-learn" | "ambiguous" | "hard-to-learn";

export const DATA_MAP_REGIONS: readonly DataMapRegion[] = ["easy-to-learn", "ambiguous", "hard-to-learn"];

/**
 * The thresholds the page states. The paper ranks by variability and confidence rather than fixing values; these
 * fixed ones make regions comparable across runs. Variability lies in [0, 0.5] for probabilities in [0, 1].
 */
export const REGION_THRESHOLDS = {
  /** Variability at or above this is ambiguous, whatever the confidence. */
  ambiguousVariability: 0.2,
  /** Below the variability threshold: confidence at or above this is easy-to-learn, below it hard-to-learn. */
  easyConfidence: 0.5,
} as const;

export function regionOf(confidence: number, variability: number, thresholds = REGION_THRESHOLDS): DataMapRegion {
  if (variability >= thresholds.ambiguousVariability) return "ambiguous";
  return confidence >= thresholds.easyConfidence ? "easy-to-learn" : "hard-to-learn";
}

/** How many of the n digits fall in each region. */
export function countRegions(
  confidence: ArrayLike<number>,
  variability: ArrayLike<number>,
  thresholds = REGION_THRESHOLDS,
): Record<DataMapRegion, number> {
  if (confidence.length !== variability.length)
    throw new RangeError(`confidence has ${confidence.length} values, variability ${variability.length}`);
  const counts: Record<DataMapRegion, number> = { "easy-to-learn": 0, ambiguous: 0, "hard-to-learn": 0 };
  for (let i = 0; i < confidence.length; i++) counts[regionOf(confidence[i]!, variability[i]!, thresholds)]++;
  return counts;
}

/** A box in data coordinates, bounds inclusive: x is variability, y confidence. */
export interface DataBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Indices (ascending) of the digits inside `box`; the bounds may come in either order (a drag up or left). */
export function selectInBox(confidence: ArrayLike<number>, variability: ArrayLike<number>, box: DataBox): Int32Array {
  if (confidence.length !== variability.length)
    throw new RangeError(`confidence has ${confidence.length} values, variability ${variability.length}`);
  const [xLo, xHi] = box.x0 <= box.x1 ? [box.x0, box.x1] : [box.x1, box.x0];
  const [yLo, yHi] = box.y0 <= box.y1 ? [box.y0, box.y1] : [box.y1, box.y0];
  const out: number[] = [];
  for (let i = 0; i < confidence.length; i++) {
    const x = variability[i]!;
    const y = confidence[i]!;
    if (x >= xLo && x <= xHi && y >= yLo && y <= yHi) out.push(i);
  }
  return Int32Array.from(out);
}

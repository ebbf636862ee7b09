// Per-digit flips and the confusion difference between runs, with the flip galleries' pixels.
import "server-only";
import type { Db } from "../../db/client";
import { getTestPredictions, type StoredPredictions } from "../../db/digits";
import { loadMnist } from "../../mnist/dataset";
import { computeFlips, confusionDifference } from "../../numeric/metrics/compare";
import { NUM_CLASSES } from "../../core/constants";
import { gatherTestPixels } from "../digits/pixels";

/** A flipped digit for a gallery: the prediction and confidence are the run that got it wrong. */
export interface FlipDigit {
  index: number;
  trueLabel: number;
  predicted: number;
  confidence: number;
  slot: number;
}

export interface RunFlips {
  baseId: number;
  otherId: number;
  /** Test digits both runs evaluated (the first `compared` of the test set). */
  compared: number;
  /** Counts: base right and other wrong, and the reverse. */
  baseOnly: number;
  otherOnly: number;
  /** Galleries of both, the wrong run's most confident mistakes first, at most FLIP_LIMIT each. */
  baseOnlyDigits: FlipDigit[];
  otherOnlyDigits: FlipDigit[];
  /** Confusions over the compared digits (rows = true label) and other − base. */
  confusionBase: number[];
  confusionOther: number[];
  difference: number[];
}

/** Thumbnails per flip gallery; the counts cover every flip. */
export const FLIP_LIMIT = 60;

function confusionOf(predicted: Uint8Array, labels: Uint8Array, n: number): number[] {
  const c = new Array<number>(NUM_CLASSES * NUM_CLASSES).fill(0);
  for (let i = 0; i < n; i++) c[labels[i]! * NUM_CLASSES + predicted[i]!]!++;
  return c;
}

/**
 * Flips and the confusion difference of every run in `otherIds` against `baseId`, over the digits both evaluated,
 * with one slot numbering across all galleries (the rows of the flips' pixel binary, in `pixelIndices`).
 * A pair where either run has no final predictions yet is left out.
 */
export async function fetchRunFlips(
  db: Db,
  baseId: number,
  otherIds: readonly number[],
): Promise<{ flips: RunFlips[]; pixelIndices: number[] }> {
  const labels = loadMnist().test.labels;
  const base = await getTestPredictions(db, baseId);
  const pixelIndices: number[] = [];
  const flips: RunFlips[] = [];
  if (!base) return { flips, pixelIndices };
  for (const otherId of otherIds) {
    const other = await getTestPredictions(db, otherId);
    if (!other) continue;
    const n = Math.min(base.count, other.count);
    const { fixedByA, fixedByB } = computeFlips(
      base.predicted.subarray(0, n),
      other.predicted.subarray(0, n),
      labels.subarray(0, n),
    );
    const gallery = (indices: Int32Array, wrong: StoredPredictions): FlipDigit[] =>
      Array.from(indices, (index) => {
        const p = wrong.predicted[index]!;
        return {
          index,
          trueLabel: labels[index]!,
          predicted: p,
          confidence: wrong.probs[index * NUM_CLASSES + p]!,
          slot: 0,
        };
      })
        .sort((x, y) => y.confidence - x.confidence || x.index - y.index)
        .slice(0, FLIP_LIMIT)
        .map((d) => ({ ...d, slot: pixelIndices.push(d.index) - 1 }));
    const confusionBase = confusionOf(base.predicted, labels, n);
    const confusionOther = confusionOf(other.predicted, labels, n);
    flips.push({
      baseId,
      otherId,
      compared: n,
      baseOnly: fixedByA.length,
      otherOnly: fixedByB.length,
      baseOnlyDigits: gallery(fixedByA, other),
      otherOnlyDigits: gallery(fixedByB, base),
      confusionBase,
      confusionOther,
      difference: confusionDifference(confusionBase, confusionOther),
    });
  }
  return { flips, pixelIndices };
}

/** Pixels of the flip galleries' digits in slot order, uint8 [k, 784]. */
export async function fetchFlipPixels(
  db: Db,
  baseId: number,
  otherIds: readonly number[],
): Promise<Uint8Array<ArrayBuffer>> {
  const { pixelIndices } = await fetchRunFlips(db, baseId, otherIds);
  return gatherTestPixels(pixelIndices);
}

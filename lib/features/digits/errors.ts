// A run's misclassified test digits: the gallery's items and their pixels.
import "server-only";
import type { Db } from "../../db/client";
import { getMisclassifiedIndices, getTestPredictions, type StoredPredictions } from "../../db/digits";
import { loadMnist } from "../../mnist/dataset";
import { NUM_CLASSES } from "../../core/constants";
import type { ErrorItem } from "../../chart/gallery";
import { gatherTestPixels } from "./pixels";

/** Every misclassified digit of stored predictions, in ascending index order; `slot` is its row in the pixel binary. */
export function errorItems(predictions: StoredPredictions, labels: Uint8Array): ErrorItem[] {
  const { predicted, probs, misclassified } = predictions;
  return Array.from(misclassified, (index, slot) => {
    const p = predicted[index]!;
    const t = labels[index]!;
    return {
      index,
      trueLabel: t,
      predicted: p,
      confidence: probs[index * NUM_CLASSES + p]!,
      trueProb: probs[index * NUM_CLASSES + t]!,
      slot,
    };
  });
}

/** Every misclassified test digit of the run's final predictions, in ascending index order; null before the run finishes. */
export async function fetchErrors(db: Db, runId: number): Promise<ErrorItem[] | null> {
  const predictions = await getTestPredictions(db, runId);
  return predictions && errorItems(predictions, loadMnist().test.labels);
}

/** Pixels of the misclassified digits in slot order: uint8 [k, 784]; null before the run finishes. */
export async function fetchErrorPixels(db: Db, runId: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const wrong = await getMisclassifiedIndices(db, runId);
  return wrong && gatherTestPixels(wrong);
}

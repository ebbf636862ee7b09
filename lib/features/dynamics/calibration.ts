// A run's calibration for its overview page: the validation set after every epoch and the restored checkpoint on the
// test set, as reliability-diagram bins and ECEs (15 bins, top-label and per class).
import "server-only";
import type { Db } from "../../db/client";
import { getRun } from "../../db/runs";
import { listEpochValProbs } from "../../db/dynamics";
import { getTestPredictions } from "../../db/digits";
import { loadMnist } from "../../mnist/dataset";
import { computeCalibration } from "../../numeric/metrics/calibration";
import { finiteOrNull, type CalibrationView } from "../../chart/reliability";
import { NUM_CLASSES } from "../../core/constants";

export interface RunCalibration {
  /** One per epoch that stored validation probabilities, oldest first; empty for runs recorded before. */
  val: Array<{ epoch: number } & CalibrationView>;
  /** The restored checkpoint on the evaluated test digits; null before the run finishes. */
  test: CalibrationView | null;
}

/** The plain view of `probs` [n, 10] against `labels` [n]. */
export function calibrationView(probs: Float32Array, labels: Uint8Array): CalibrationView {
  const c = computeCalibration(probs, labels);
  return {
    count: c.topLabel.count,
    ece: finiteOrNull(c.topLabel.ece),
    classwiseEce: finiteOrNull(c.classwiseEce),
    perClassEce: c.perClass.map((r) => finiteOrNull(r.ece)),
    bins: c.topLabel.bins.map((b) => ({
      lower: b.lower,
      upper: b.upper,
      count: b.count,
      confidence: finiteOrNull(b.confidence),
      accuracy: finiteOrNull(b.accuracy),
    })),
  };
}

/** Null for an unknown run. */
export async function fetchRunCalibration(db: Db, runId: number): Promise<RunCalibration | null> {
  const run = await getRun(db, runId);
  if (!run) return null;
  const { train, test } = loadMnist();
  // The validation digits are the tail of the run's training subset (Keras' validation_split).
  const valLabels = train.labels.subarray(run.trainSize, run.trainSize + run.valSize);
  const [valRows, predictions] = await Promise.all([listEpochValProbs(db, runId), getTestPredictions(db, runId)]);
  const val = valRows
    .filter((r) => r.probs.length === valLabels.length * NUM_CLASSES && valLabels.length > 0)
    .map((r) => ({ epoch: r.epoch, ...calibrationView(r.probs, valLabels) }));
  const testView =
    predictions && predictions.count > 0
      ? calibrationView(predictions.probs, test.labels.subarray(0, predictions.count))
      : null;
  return { val, test: testView };
}

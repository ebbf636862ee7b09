// The embedding explorer's points: each subset's rows, true labels, and predictions per epoch and of the final model.
import "server-only";
import type { Db } from "../../db/client";
import { blobToFloat32 } from "../../db/blobs";
import { getPredictedLabels } from "../../db/digits";
import { listProbeProbs } from "../../db/explorer";
import { loadMnist } from "../../mnist/dataset";
import { NUM_CLASSES } from "../../core/constants";
import type { Subset } from "../../core/projection";
import { bytesToDigits, type SubsetPoints } from "../../chart/scatter-view";
import { subsetIndices } from "../projection/sources";

/** Labels of `count` probabilities rows [count, 10] by argmax (first maximum on ties). */
function argmaxRows(probs: Float32Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    let best = 0;
    for (let c = 1; c < NUM_CLASSES; c++) if (probs[r * NUM_CLASSES + c]! > probs[r * NUM_CLASSES + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/**
 * Rows, true labels and predictions of both subsets: probe predictions per epoch from Epoch.probeProbs, final ones
 * from TestPredictions.predicted (probe rows pick theirs by test index). Null for an unknown run.
 */
export async function fetchExplorerPoints(db: Db, runId: number): Promise<Record<Subset, SubsetPoints> | null> {
  const [probeIndices, testIndices, finalLabels, epochs] = await Promise.all([
    subsetIndices(db, runId, "probe"),
    subsetIndices(db, runId, "test"),
    getPredictedLabels(db, runId),
    listProbeProbs(db, runId),
  ]);
  if (!probeIndices || !testIndices) return null;
  const labels = loadMnist().test.labels;
  const probeRows = probeIndices.length;
  const probe: SubsetPoints = {
    subset: "probe",
    rows: probeRows,
    indices: Array.from(probeIndices),
    labels: bytesToDigits(Array.from(probeIndices, (i) => labels[i]!)),
    epochPredictions: epochs
      .filter((e) => e.probeProbs.byteLength === probeRows * NUM_CLASSES * 4)
      .map((e) => ({ epoch: e.epoch, predicted: bytesToDigits(argmaxRows(blobToFloat32(e.probeProbs), probeRows)) })),
    finalPredicted:
      finalLabels && probeIndices.every((i) => i < finalLabels.length)
        ? bytesToDigits(Array.from(probeIndices, (i) => finalLabels[i]!))
        : null,
  };
  const test: SubsetPoints = {
    subset: "test",
    rows: testIndices.length,
    indices: null,
    labels: bytesToDigits(labels.subarray(0, testIndices.length)),
    epochPredictions: [],
    finalPredicted:
      finalLabels && finalLabels.length >= testIndices.length
        ? bytesToDigits(finalLabels.subarray(0, testIndices.length))
        : null,
  };
  return { probe, test };
}

// A run's data map: its training dynamics read back, the per-digit statistics, and the page's summary.
import "server-only";
import type { Db } from "../../db/client";
import { getRun } from "../../db/runs";
import { listEpochDynamics, countEpochDynamics } from "../../db/dynamics";
import { loadMnist } from "../../mnist/dataset";
import { computeDynamics, mostForgotten, type DigitDynamics } from "../../numeric/dynamics/data-map";
import { countRegions, type DataMapRegion } from "../../numeric/dynamics/regions";
import { encodeDataMap } from "../../chart/data-map";
import { IMAGE_PIXELS } from "../../core/constants";

export interface RunDynamics {
  trainSize: number;
  epochs: number[];
  labels: Uint8Array;
  dynamics: DigitDynamics;
}

/**
 * The statistics of every training digit over the epochs that recorded them; null for an unknown run, `epochs: []`
 * for a run recorded before the dynamics were stored (or before its first epoch).
 */
export async function fetchRunDynamics(db: Db, runId: number): Promise<RunDynamics | null> {
  const run = await getRun(db, runId);
  if (!run) return null;
  // Only epochs of the run's own training size: a blob of another length cannot be a row per training digit.
  const rows = (await listEpochDynamics(db, runId)).filter((r) => r.labelProbs.length === run.trainSize);
  const labels = loadMnist().train.labels.subarray(0, run.trainSize);
  if (rows.length === 0) return { trainSize: run.trainSize, epochs: [], labels, dynamics: emptyDynamics() };
  const dynamics = computeDynamics(
    rows.map((r) => r.labelProbs),
    rows.map((r) => r.correct),
  );
  return { trainSize: run.trainSize, epochs: rows.map((r) => r.epoch), labels, dynamics };
}

function emptyDynamics(): DigitDynamics {
  return {
    confidence: new Float32Array(0),
    variability: new Float32Array(0),
    correctness: new Float32Array(0),
    firstLearned: new Int32Array(0),
    forgetting: new Int32Array(0),
    epochs: 0,
  };
}

/** The data map's blob (lib/chart/data-map.ts), float32 [6, trainSize]; null when the run has none. */
export async function fetchDataMapBlob(
  db: Db,
  runId: number,
): Promise<{ blob: Float32Array<ArrayBuffer>; epochs: number; count: number } | null> {
  const run = await fetchRunDynamics(db, runId);
  if (!run || run.epochs.length === 0) return null;
  const d = run.dynamics;
  const blob = encodeDataMap({
    confidence: d.confidence,
    variability: d.variability,
    correctness: d.correctness,
    forgetting: d.forgetting,
    firstLearned: d.firstLearned,
    label: run.labels,
  });
  return { blob, epochs: run.epochs.length, count: run.trainSize };
}

export interface ForgottenDigit {
  index: number;
  label: number;
  forgetting: number;
  confidence: number;
  firstLearned: number;
}

export interface DataMapSummary {
  trainSize: number;
  epochs: number;
  regions: Record<DataMapRegion, number>;
  neverLearned: number;
  forgottenOnce: number;
  mostForgotten: ForgottenDigit[];
}

/** What the data-map page states beside the canvas; null for an unknown run, `epochs: 0` without dynamics. */
export async function fetchDataMapSummary(db: Db, runId: number, forgottenCount = 40): Promise<DataMapSummary | null> {
  const recorded = await countEpochDynamics(db, runId);
  const run = recorded === 0 ? await getRun(db, runId) : null;
  if (recorded === 0) {
    if (!run) return null;
    const regions = { "easy-to-learn": 0, ambiguous: 0, "hard-to-learn": 0 };
    return { trainSize: run.trainSize, epochs: 0, regions, neverLearned: 0, forgottenOnce: 0, mostForgotten: [] };
  }
  const data = await fetchRunDynamics(db, runId);
  if (!data) return null;
  const d = data.dynamics;
  const top = mostForgotten(d, forgottenCount);
  return {
    trainSize: data.trainSize,
    epochs: data.epochs.length,
    regions: countRegions(d.confidence, d.variability),
    neverLearned: d.firstLearned.reduce((n, f) => n + (f === 0 ? 1 : 0), 0),
    forgottenOnce: d.forgetting.reduce((n, f) => n + (f > 0 ? 1 : 0), 0),
    mostForgotten: Array.from(top, (index) => ({
      index,
      label: data.labels[index]!,
      forgetting: d.forgetting[index]!,
      confidence: d.confidence[index]!,
      firstLearned: d.firstLearned[index]!,
    })),
  };
}

/** Training digits `indices` in order, uint8 [indices.length, 784]; indices must lie below the MNIST training count. */
export function gatherTrainPixels(indices: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const pixels = loadMnist().train.pixels;
  const out = new Uint8Array(indices.length * IMAGE_PIXELS);
  for (let slot = 0; slot < indices.length; slot++) {
    const index = indices[slot]!;
    out.set(pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS), slot * IMAGE_PIXELS);
  }
  return out;
}

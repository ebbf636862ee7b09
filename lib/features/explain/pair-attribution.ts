// The pair pages' mean attribution maps: gradient × input for the predicted class, averaged over the run's test
// digits of one class taken for the other (both ways), from the restored best checkpoint.
import "server-only";
import { LRUCache } from "lru-cache";
import type { Db } from "../../db/client";
import { getTestPredictions } from "../../db/digits";
import { loadMnist } from "../../mnist/dataset";
import { scalePixels } from "../../mnist/encode";
import { IMAGE_PIXELS } from "../../core/constants";
import { meanInputAttribution } from "../../model/attribution";
import { getCheckpointModel } from "./checkpoint-models";

export interface MistakeAttribution {
  trueLabel: number;
  predicted: number;
  /** How many test digits of `trueLabel` the model took for `predicted`. */
  count: number;
  /** Their mean image [784] on the 0..1 scale (zeros when count is 0). */
  meanImage: number[];
  /** Their mean gradient × input for `predicted`'s logit [784] (zeros when count is 0). */
  meanAttribution: number[];
}

export interface PairAttribution {
  aAsB: MistakeAttribution;
  bAsA: MistakeAttribution;
  /** The best checkpoint's epoch. */
  epoch: number;
  computeMs: number;
}

const pairs = new LRUCache<string, PairAttribution>({ max: 200 });

async function explainMistakes(
  model: Parameters<typeof meanInputAttribution>[0],
  predicted: Uint8Array,
  trueLabel: number,
  taken: number,
): Promise<MistakeAttribution> {
  const { pixels, labels } = loadMnist().test;
  const indices: number[] = [];
  for (let i = 0; i < predicted.length; i++) if (labels[i] === trueLabel && predicted[i] === taken) indices.push(i);
  const rows = new Float32Array(indices.length * IMAGE_PIXELS);
  indices.forEach((index, k) =>
    rows.set(scalePixels(pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS)), k * IMAGE_PIXELS),
  );
  const meanImage = new Float64Array(IMAGE_PIXELS);
  for (let k = 0; k < rows.length; k++) meanImage[k % IMAGE_PIXELS]! += rows[k]! / indices.length;
  const attribution = await meanInputAttribution(model, rows, new Int32Array(indices.length).fill(taken));
  return {
    trueLabel,
    predicted: taken,
    count: indices.length,
    meanImage: Array.from(meanImage),
    meanAttribution: Array.from(attribution),
  };
}

/** Both directions' mean maps for pair (a, b) of a finished run, or null before its final predictions exist. */
export async function fetchPairAttribution(
  db: Db,
  runId: number,
  a: number,
  b: number,
): Promise<PairAttribution | null> {
  const [predictions, loaded] = await Promise.all([
    getTestPredictions(db, runId),
    getCheckpointModel(db, runId, "best"),
  ]);
  if (!predictions || !loaded) return null;
  const key = `${runId}/${loaded.stamp.updatedAt}/${a}-${b}`;
  const cached = pairs.get(key);
  if (cached) return cached;
  const started = performance.now();
  const aAsB = await explainMistakes(loaded.model, predictions.predicted, a, b);
  const bAsA = await explainMistakes(loaded.model, predictions.predicted, b, a);
  const answer = { aAsB, bAsA, epoch: loaded.stamp.epoch, computeMs: performance.now() - started };
  pairs.set(key, answer);
  return answer;
}

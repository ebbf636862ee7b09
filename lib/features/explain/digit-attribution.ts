// One test digit's attribution map for a run's checkpoint, method, baseline and class, cached per combination.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { LRUCache } from "lru-cache";
import type { Db } from "../../db/client";
import { getRunHeader } from "../../db/run-pages";
import { loadMnist } from "../../mnist/dataset";
import { scalePixels } from "../../mnist/encode";
import { IMAGE_PIXELS, IMAGE_SIDE } from "../../core/constants";
import {
  usesBaseline,
  type AttributionMeta,
  type AttributionMethod,
  type BaselineKind,
  type ClassChoice,
} from "../../core/attribution";
import { computeAttribution, readLogits } from "../../model/attribution";
import { getCheckpointModel } from "./checkpoint-models";

export interface DigitAttributionRequest {
  runId: number;
  /** Test digit index. */
  index: number;
  method: AttributionMethod;
  baseline: BaselineKind;
  classChoice: ClassChoice;
  /** "best" or "epoch-N". */
  checkpoint: string;
}

export type DigitAttributionAnswer =
  { kind: "ok"; /** [784] */ values: Float32Array; meta: AttributionMeta } | { kind: "not-found"; error: string };

/** 2,000 maps of 3 kB: about 6 MB. */
const MAX_MAPS = 2000;

interface CachedMap {
  values: Float32Array;
  meta: Omit<AttributionMeta, "cache">;
}

const maps = new LRUCache<string, CachedMap>({ max: MAX_MAPS });

/** Requests answered from the cache and computed: the route's caching test reads these, not timings. */
const counters = { hits: 0, misses: 0 };

export function attributionCacheStats(): { hits: number; misses: number; size: number } {
  return { ...counters, size: maps.size };
}

/** The test digit's pixels on the 0..1 scale, [784]. */
function digitPixels(index: number): Float32Array {
  return scalePixels(loadMnist().test.pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS));
}

/**
 * The map of `request`: from the cache keyed by (run, checkpoint and its stored version, digit, method, baseline,
 * class), else computed on the checkpoint's model (loaded once, getCheckpointModel). A baseline the method does not
 * use is treated as black so both pickers' values share one entry.
 */
export async function fetchDigitAttribution(db: Db, request: DigitAttributionRequest): Promise<DigitAttributionAnswer> {
  const { runId, index, method, checkpoint, classChoice } = request;
  const baseline = usesBaseline(method) ? request.baseline : "black";
  const run = await getRunHeader(db, runId);
  if (!run) return { kind: "not-found", error: `no run ${runId}` };
  if (index >= run.testSize)
    return { kind: "not-found", error: `run ${runId} evaluated test digits 0 to ${run.testSize - 1}` };
  const loaded = await getCheckpointModel(db, runId, checkpoint);
  if (!loaded) return { kind: "not-found", error: `run ${runId} has no ${checkpoint} checkpoint` };
  const key = [runId, checkpoint, loaded.stamp.updatedAt, index, method, baseline, classChoice].join("/");
  const cached = maps.get(key);
  if (cached) {
    counters.hits++;
    return { kind: "ok", values: cached.values, meta: { ...cached.meta, cache: "hit" } };
  }
  counters.misses++;
  const started = performance.now();
  const pixels = digitPixels(index);
  const trueLabel = loadMnist().test.labels[index]!;
  let targetClass: number;
  if (classChoice === "true") targetClass = trueLabel;
  else if (classChoice === "predicted") {
    const x = tf.tensor3d(pixels, [1, IMAGE_SIDE, IMAGE_SIDE]);
    const logits = await readLogits(loaded.model, x).finally(() => x.dispose());
    targetClass = logits.indexOf(Math.max(...logits));
  } else targetClass = classChoice;
  const result = await computeAttribution(loaded.model, pixels, { method, baseline, targetClass });
  let sum = 0;
  for (const v of result.values) sum += v;
  const entry: CachedMap = {
    values: result.values,
    meta: {
      method,
      baseline,
      targetClass,
      predicted: result.predicted,
      checkpoint,
      checkpointEpoch: loaded.stamp.epoch,
      logit: result.logits[targetClass]!,
      baselineLogit: result.baselineLogit,
      completenessError: result.completenessError,
      sum,
      computeMs: performance.now() - started,
    },
  };
  maps.set(key, entry);
  return { kind: "ok", values: entry.values, meta: { ...entry.meta, cache: "miss" } };
}

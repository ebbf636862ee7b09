// Server-side models restored from stored checkpoints, loaded once and kept in a small LRU (also for /draw's
// server-side needs): the tfjs backend is initialised on first use.
import "server-only";
import type * as tf from "@tensorflow/tfjs";
import { LRUCache } from "lru-cache";
import type { Db } from "../../db/client";
import { getCheckpointStamp, type CheckpointStamp } from "../../db/checkpoints";
import { initBackend, type BackendInfo } from "../../model/backend";
import { readEnv } from "../../env";
import { loadCheckpoint } from "../train/checkpoint";

export interface CheckpointModel {
  model: tf.LayersModel;
  stamp: CheckpointStamp;
  /** ms spent reading the checkpoint and building the model (the cold start's share). */
  loadMs: number;
}

/** Models kept at once: a seed MLP is 2.7 MB of weights, the CNN preset 0.9 MB. */
const MAX_MODELS = 6;

let backend: Promise<BackendInfo> | null = null;

/** The tfjs backend (TFJS_BACKEND, default auto), initialised once per process. */
export function ensureModelBackend(): Promise<BackendInfo> {
  backend ??= initBackend(readEnv().TFJS_BACKEND);
  return backend;
}

const models = new LRUCache<string, Promise<CheckpointModel>>({
  max: MAX_MODELS,
  // A model evicted while loading disposes itself once loaded; a failed load is not kept (see below).
  dispose: (entry) => void entry.then((m) => m.model.dispose()).catch(() => {}),
});

/**
 * The model stored as `kind` ("best", "epoch-N") for a run, restored once per stored version (the stamp changes when
 * training replaces the best checkpoint), or null when the run has no such checkpoint.
 */
export async function getCheckpointModel(db: Db, runId: number, kind: string): Promise<CheckpointModel | null> {
  const stamp = await getCheckpointStamp(db, runId, kind);
  if (!stamp) return null;
  const key = `${runId}/${kind}/${stamp.updatedAt}`;
  let entry = models.get(key);
  if (!entry) {
    entry = (async () => {
      await ensureModelBackend();
      const started = performance.now();
      const model = await loadCheckpoint(db, runId, kind);
      return { model, stamp, loadMs: performance.now() - started };
    })();
    models.set(key, entry);
    entry.catch(() => models.delete(key));
  }
  return entry;
}

/** Drops every loaded model (tests and benchmarks measuring a cold start). */
export function clearCheckpointModels(): void {
  models.clear();
}

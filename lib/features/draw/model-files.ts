// A run's stored checkpoint as the two files tf.loadLayersModel fetches over HTTP: model.json (topology and weights
// manifest) and weights.bin (every weight, float32, in manifest order).
import "server-only";
import type { Db } from "../../db/client";
import {
  getCheckpointTopology,
  getCheckpointVersion,
  getCheckpointWeights,
  type CheckpointVersion,
} from "../../db/draw";

/** The checkpoint the playground serves: the restored best one, which is what a finished run keeps. */
export const SERVED_CHECKPOINT = "best";

/** A short token naming one stored version of a checkpoint: row id and write time, e.g. "12-20261202045501000". */
export function checkpointToken(version: Pick<CheckpointVersion, "id" | "updatedAt">): string {
  return `${version.id}-${version.updatedAt.replace(/\D/g, "")}`;
}

/** The served version's token, or null when the run has no such checkpoint. */
export async function fetchModelToken(db: Db, runId: number): Promise<string | null> {
  const version = await getCheckpointVersion(db, runId, SERVED_CHECKPOINT);
  return version && checkpointToken(version);
}

/** The URL the browser loads the model from: versioned, so a cached copy is never stale. */
export function modelUrl(runId: number, token: string): string {
  return `/api/runs/${runId}/model/model.json?v=${encodeURIComponent(token)}`;
}

/** One served file: its body, its version token (for the ETag and the versioned URL) and the checkpoint's epoch. */
export interface ModelFile<T> {
  body: T;
  token: string;
  epoch: number;
}

/**
 * tf.io's model.json for a run's checkpoint, or null. The manifest names "weights.bin" relative to model.json;
 * tf.io's HTTP loader appends model.json's query (the version) to it, so the weights are versioned too.
 */
export async function fetchModelJson(db: Db, runId: number): Promise<ModelFile<object> | null> {
  const row = await getCheckpointTopology(db, runId, SERVED_CHECKPOINT);
  if (!row) return null;
  return {
    body: {
      format: "layers-model",
      generatedBy: "mnist-lens",
      convertedBy: null,
      modelTopology: JSON.parse(row.modelTopology) as unknown,
      weightsManifest: [{ paths: ["weights.bin"], weights: JSON.parse(row.weightSpecs) as unknown }],
    },
    token: checkpointToken(row),
    epoch: row.epoch,
  };
}

/** The checkpoint's weights as stored, or null. */
export async function fetchModelWeights(db: Db, runId: number): Promise<ModelFile<Uint8Array<ArrayBuffer>> | null> {
  const row = await getCheckpointWeights(db, runId, SERVED_CHECKPOINT);
  if (!row) return null;
  const body = new Uint8Array(row.weightData.byteLength);
  body.set(row.weightData);
  return { body, token: checkpointToken(row), epoch: row.epoch };
}

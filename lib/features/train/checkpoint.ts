// Model checkpoints in the database through tfjs IO handlers: save captures artifacts, load restores a model.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import type { Db } from "../../db/client";
import { getCheckpoint, saveCheckpoint, type CheckpointArtifacts } from "../../db/checkpoints";

/** Saves `model` into memory through a tfjs save handler (topology + weights, as model.save writes them). */
export async function captureArtifacts(model: tf.LayersModel): Promise<CheckpointArtifacts> {
  let captured: CheckpointArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (!artifacts.weightData || !artifacts.weightSpecs) throw new Error("model.save produced no weights");
      const joined = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      captured = {
        modelTopology: JSON.stringify(artifacts.modelTopology),
        weightSpecs: JSON.stringify(artifacts.weightSpecs),
        weightData: new Uint8Array(joined),
      };
      return {
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: joined.byteLength },
      };
    }),
  );
  return captured!;
}

/** A tfjs IOHandler backed by the Checkpoint table: `model.save(h)` stores, `tf.loadLayersModel(h)` restores. */
export function checkpointHandler(db: Db, runId: number, kind: string, epoch = 0): tf.io.IOHandler {
  return {
    async save(artifacts) {
      if (!artifacts.weightData || !artifacts.weightSpecs) throw new Error("model.save produced no weights");
      const weightData = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
      await saveCheckpoint(
        db,
        { runId, kind, epoch, valLoss: null },
        {
          modelTopology: JSON.stringify(artifacts.modelTopology),
          weightSpecs: JSON.stringify(artifacts.weightSpecs),
          weightData,
        },
      );
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: "JSON",
          weightDataBytes: weightData.byteLength,
        },
      };
    },
    async load() {
      const row = await getCheckpoint(db, runId, kind);
      if (!row) throw new Error(`run ${runId} has no '${kind}' checkpoint`);
      const weightData = row.weightData.buffer.slice(
        row.weightData.byteOffset,
        row.weightData.byteOffset + row.weightData.byteLength,
      );
      return {
        modelTopology: JSON.parse(row.modelTopology) as object,
        weightSpecs: JSON.parse(row.weightSpecs) as tf.io.WeightsManifestEntry[],
        weightData: weightData as ArrayBuffer,
      };
    },
  };
}

/** Restores the model stored as `kind` for a run. */
export function loadCheckpoint(db: Db, runId: number, kind = "best"): Promise<tf.LayersModel> {
  return tf.loadLayersModel(checkpointHandler(db, runId, kind));
}

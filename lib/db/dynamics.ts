// Named reads of a run's training dynamics (each training digit's label probability and correctness per epoch) and
// its validation probabilities per epoch (calibration), as typed arrays.
import "server-only";
import type { Db } from "./client";
import { blobToFloat32, blobToUint8 } from "./blobs";

/** One epoch's training dynamics, training-index order. */
export interface EpochDynamics {
  epoch: number;
  /** float32 [trainSize] probability of the given label in the batch's training pass. */
  labelProbs: Float32Array;
  /** uint8 [trainSize] 1 where that pass predicted the label. */
  correct: Uint8Array;
}

/** Every epoch that recorded training dynamics, oldest first; empty for runs recorded before they were stored. */
export async function listEpochDynamics(db: Db, runId: number): Promise<EpochDynamics[]> {
  const rows = await db.kysely
    .selectFrom("Epoch")
    .select(["epoch", "trainLabelProbs", "trainCorrect"])
    .where("runId", "=", runId)
    .where("trainLabelProbs", "is not", null)
    .where("trainCorrect", "is not", null)
    .orderBy("epoch")
    .execute();
  return rows.flatMap((r) =>
    r.trainLabelProbs && r.trainCorrect
      ? [{ epoch: r.epoch, labelProbs: blobToFloat32(r.trainLabelProbs), correct: blobToUint8(r.trainCorrect) }]
      : [],
  );
}

/** How many epochs of the run recorded training dynamics (no blob is read). */
export async function countEpochDynamics(db: Db, runId: number): Promise<number> {
  const row = await db.kysely
    .selectFrom("Epoch")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("runId", "=", runId)
    .where("trainLabelProbs", "is not", null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The validation set's float32 [valSize, 10] probabilities after every epoch that stored them, oldest first. */
export async function listEpochValProbs(db: Db, runId: number): Promise<Array<{ epoch: number; probs: Float32Array }>> {
  const rows = await db.kysely
    .selectFrom("Epoch")
    .select(["epoch", "valProbs"])
    .where("runId", "=", runId)
    .where("valProbs", "is not", null)
    .orderBy("epoch")
    .execute();
  return rows.flatMap((r) => (r.valProbs ? [{ epoch: r.epoch, probs: blobToFloat32(r.valProbs) }] : []));
}

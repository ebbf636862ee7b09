// Named reads of a run's test digits: its probe set and test size, and the final and per-epoch predictions (blobs via Kysely).
import "server-only";
import type { Db } from "./client";
import { blobToFloat32, blobToInt32, blobToUint8 } from "./blobs";
import { NUM_CLASSES } from "../core/constants";

/** Bytes of one digit's probabilities in a float32 [n, 10] blob. */
const PROB_BYTES = NUM_CLASSES * 4;

/** How many test digits the restored checkpoint was evaluated on and got wrong, or null before the run finishes. */
export async function getPredictionCounts(db: Db, runId: number) {
  return db.prisma.testPredictions.findUnique({ where: { runId }, select: { count: true, misclassifiedCount: true } });
}

/** The restored checkpoint's predictions on the first `count` test digits. */
export interface StoredPredictions {
  count: number;
  /** uint8 [count] */
  predicted: Uint8Array;
  /** float32 [count, 10] */
  probs: Float32Array;
  /** int32 [k]: test indices where predicted != true label, ascending. */
  misclassified: Int32Array;
}

/** The run's final predictions, or null before the run finishes. */
export async function getTestPredictions(db: Db, runId: number): Promise<StoredPredictions | null> {
  const row = await db.kysely
    .selectFrom("TestPredictions")
    .select(["count", "predicted", "probs", "misclassified"])
    .where("runId", "=", runId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    count: row.count,
    predicted: blobToUint8(row.predicted),
    probs: blobToFloat32(row.probs),
    misclassified: blobToInt32(row.misclassified),
  };
}

/** The final predicted label of each evaluated test digit, uint8 [count]; null before the run finishes. */
export async function getPredictedLabels(db: Db, runId: number): Promise<Uint8Array | null> {
  const row = await db.kysely
    .selectFrom("TestPredictions")
    .select("predicted")
    .where("runId", "=", runId)
    .executeTakeFirst();
  return row ? blobToUint8(row.predicted) : null;
}

/** Test indices of the final model's mistakes, ascending; null before the run finishes. */
export async function getMisclassifiedIndices(db: Db, runId: number): Promise<Int32Array | null> {
  const row = await db.kysely
    .selectFrom("TestPredictions")
    .select("misclassified")
    .where("runId", "=", runId)
    .executeTakeFirst();
  return row ? blobToInt32(row.misclassified) : null;
}

/** Test digit `index`'s final prediction, read as a slice of the blobs; null before the run finishes or past its evaluated digits. */
export async function getFinalDigitPrediction(
  db: Db,
  runId: number,
  index: number,
): Promise<{ predicted: number; probs: Float32Array } | null> {
  const row = await db.kysely
    .selectFrom("TestPredictions")
    .select((eb) => [
      "count",
      eb.fn<Buffer>("substr", ["predicted", eb.val(index + 1), eb.val(1)]).as("label"),
      eb.fn<Buffer>("substr", ["probs", eb.val(index * PROB_BYTES + 1), eb.val(PROB_BYTES)]).as("probs"),
    ])
    .where("runId", "=", runId)
    .executeTakeFirst();
  return row && index < row.count ? { predicted: row.label[0]!, probs: blobToFloat32(row.probs) } : null;
}

/** The probabilities of the probe digit at `position` after every epoch that recorded them, oldest first. */
export async function listProbeDigitProbs(
  db: Db,
  runId: number,
  position: number,
): Promise<Array<{ epoch: number; probs: Float32Array }>> {
  const rows = await db.kysely
    .selectFrom("Epoch")
    .select((eb) => [
      "epoch",
      eb.fn<Buffer>("substr", ["probeProbs", eb.val(position * PROB_BYTES + 1), eb.val(PROB_BYTES)]).as("probs"),
    ])
    .where("runId", "=", runId)
    .where("probeProbs", "is not", null)
    .orderBy("epoch")
    .execute();
  return rows
    .filter((r) => r.probs.byteLength === PROB_BYTES)
    .map((r) => ({ epoch: r.epoch, probs: blobToFloat32(r.probs) }));
}

/** Which test digits a run uses: its probe set (test indices, null when none was stored) and how many test digits it evaluates. */
export interface RunSubsets {
  probeIndices: Int32Array | null;
  probeSize: number;
  testSize: number;
}

/** The run's probe set and test size; null for an unknown run. */
export async function getRunSubsets(db: Db, runId: number): Promise<RunSubsets | null> {
  const row = await db.kysely
    .selectFrom("Run")
    .select(["probeIndices", "probeSize", "testSize"])
    .where("id", "=", runId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    probeIndices: row.probeIndices ? blobToInt32(row.probeIndices) : null,
    probeSize: row.probeSize,
    testSize: row.testSize,
  };
}

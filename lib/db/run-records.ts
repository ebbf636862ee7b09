// What training writes about a run (row, progress, epochs, final test evaluation, end) and the blobs read back.
import "server-only";
import type { Db } from "./client";
import { upsertCheckpointIn, type CheckpointArtifacts } from "./checkpoints";
import { toBlob } from "./blobs";
import { sqlDate } from "./sql";
import { immediateTransaction } from "./transaction";
import { epochCheckpointKind } from "../core/attribution";

/** A new run's row: the caller has serialised its config and model summary. */
export interface NewRunRow {
  name: string;
  notes: string;
  /** TrainConfig as JSON. */
  config: string;
  architecture: string;
  paramCount: number;
  /** ModelSummaryRow[] as JSON. */
  modelSummary: string;
  backend: string;
  backendVersion: string;
  epochsPlanned: number;
  batchesPerEpoch: number;
  trainSize: number;
  valSize: number;
  testSize: number;
  /** Test indices of the probe set. */
  probeIndices: Int32Array;
  probeSeed: number;
  jobId?: number;
}

/** Inserts a running run, started now. Returns its id. */
export async function insertRun(db: Db, run: NewRunRow): Promise<number> {
  const { probeIndices, jobId, ...fields } = run;
  const now = new Date();
  const row = await db.prisma.run.create({
    data: {
      ...fields,
      status: "running",
      startedAt: now,
      progressAt: now,
      probeIndices: new Uint8Array(toBlob(probeIndices)),
      probeSize: probeIndices.length,
      ...(jobId !== undefined ? { jobId } : {}),
    },
  });
  return row.id;
}

export async function setRunBaseline(db: Db, runId: number, loss: number, accuracy: number): Promise<void> {
  await db.prisma.run.update({
    where: { id: runId },
    data: { baselineTestLoss: loss, baselineTestAccuracy: accuracy },
  });
}

/** Live batch progress; a single small UPDATE, doubling as the run's heartbeat. */
export async function updateRunProgress(db: Db, runId: number, epoch: number, batch: number): Promise<void> {
  await db.kysely
    .updateTable("Run")
    .set({ progressEpoch: epoch, progressBatch: batch, progressAt: sqlDate() })
    .where("id", "=", runId)
    .execute();
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  durationMs: number;
  evalMs: number;
  improved: boolean;
  /** 10x10 test confusion counts. */
  confusion: Int32Array;
  /** [probeSize, 10] */
  probeProbs: Float32Array;
  /** Per hidden layer: name and [probeSize, width] activations. */
  embeddings: Array<{ layerName: string; width: number; data: Float32Array }>;
  /** Present when this epoch improved the best val_loss. */
  checkpoint?: CheckpointArtifacts;
  /** Training dynamics and calibration inputs (lib/db/dynamics.ts reads them back). */
  dynamics?: {
    /** [trainSize] probability of the given label in the batch's training pass, training-index order. */
    trainLabelProbs: Float32Array;
    /** [trainSize] 1 where that pass's argmax was the label. */
    trainCorrect: Uint8Array;
    /** [valSize, 10] validation softmax outputs; absent without a validation split. */
    valProbs?: Float32Array;
  };
  /** Present when the run keeps every epoch's weights: stored as checkpoint "epoch-N". */
  epochWeights?: CheckpointArtifacts;
}

/**
 * Writes the epoch row, its embeddings, the best checkpoint if improved, and the run's best fields in one
 * transaction, so a killed process leaves every finished epoch whole. Returns the ms spent, also stored as recordMs.
 * The blobs reach better-sqlite3 as Buffers over the typed arrays (toBlob, no copy): Kysely passes parameters
 * through to the same connection, measured as fast as the raw statements (npm run bench:db-blobs).
 */
export async function insertEpochRecord(db: Db, runId: number, record: EpochRecord): Promise<number> {
  const start = performance.now();
  const now = sqlDate();
  await immediateTransaction(db, async (tx) => {
    const probeRows = record.probeProbs.length / 10;
    for (const [layerIndex, e] of record.embeddings.entries()) {
      await tx
        .insertInto("Embedding")
        .values({
          runId,
          subset: "probe",
          epoch: record.epoch,
          layerIndex,
          layerName: e.layerName,
          rows: probeRows,
          cols: e.width,
          dtype: "float32",
          data: toBlob(e.data),
          createdAt: now,
        })
        .execute();
    }
    if (record.checkpoint) {
      await upsertCheckpointIn(
        tx,
        { runId, kind: "best", epoch: record.epoch, valLoss: record.valLoss },
        record.checkpoint,
      );
      await tx
        .updateTable("Run")
        .set({ bestEpoch: record.epoch, bestValLoss: record.valLoss })
        .where("id", "=", runId)
        .execute();
    }
    if (record.epochWeights) {
      const key = { runId, kind: epochCheckpointKind(record.epoch), epoch: record.epoch, valLoss: record.valLoss };
      await upsertCheckpointIn(tx, key, record.epochWeights);
    }
    await tx
      .updateTable("Run")
      .set({ progressEpoch: record.epoch, progressBatch: 0, progressAt: now })
      .where("id", "=", runId)
      .execute();
    // The Epoch row goes last: a reader that sees epoch N can rely on its embeddings and checkpoint.
    await tx
      .insertInto("Epoch")
      .values({
        runId,
        epoch: record.epoch,
        loss: record.loss,
        accuracy: record.accuracy,
        valLoss: record.valLoss,
        valAccuracy: record.valAccuracy,
        testLoss: record.testLoss,
        testAccuracy: record.testAccuracy,
        durationMs: Math.round(record.durationMs),
        evalMs: Math.round(record.evalMs),
        recordMs: 0,
        improved: record.improved ? 1 : 0,
        confusion: JSON.stringify(Array.from(record.confusion)),
        probeProbs: toBlob(record.probeProbs),
        trainLabelProbs: record.dynamics ? toBlob(record.dynamics.trainLabelProbs) : null,
        trainCorrect: record.dynamics ? toBlob(record.dynamics.trainCorrect) : null,
        valProbs: record.dynamics?.valProbs ? toBlob(record.dynamics.valProbs) : null,
        createdAt: now,
      })
      .execute();
  });
  const elapsed = performance.now() - start;
  await db.kysely
    .updateTable("Epoch")
    .set({ recordMs: Math.round(elapsed) })
    .where("runId", "=", runId)
    .where("epoch", "=", record.epoch)
    .execute();
  return elapsed;
}

export interface FinalRecord {
  testLoss: number;
  testAccuracy: number;
  confusion: Int32Array;
  predicted: Uint8Array;
  probs: Float32Array;
  misclassified: Int32Array;
  /** Last hidden layer for every evaluated test digit, [count, width]. */
  lastHidden: { layerIndex: number; layerName: string; width: number; data: Float32Array };
}

/** The restored best checkpoint's test evaluation, and the run marked succeeded, in one transaction. */
export async function insertFinalRecord(db: Db, runId: number, final: FinalRecord): Promise<void> {
  const now = sqlDate();
  await immediateTransaction(db, async (tx) => {
    await tx
      .insertInto("TestPredictions")
      .values({
        runId,
        count: final.predicted.length,
        predicted: toBlob(final.predicted),
        probs: toBlob(final.probs),
        misclassified: toBlob(final.misclassified),
        misclassifiedCount: final.misclassified.length,
      })
      .execute();
    await tx
      .insertInto("Embedding")
      .values({
        runId,
        subset: "test",
        epoch: 0,
        layerIndex: final.lastHidden.layerIndex,
        layerName: final.lastHidden.layerName,
        rows: final.predicted.length,
        cols: final.lastHidden.width,
        dtype: "float32",
        data: toBlob(final.lastHidden.data),
        createdAt: now,
      })
      .execute();
    await tx
      .updateTable("Run")
      .set({
        testLoss: final.testLoss,
        testAccuracy: final.testAccuracy,
        testConfusion: JSON.stringify(Array.from(final.confusion)),
        status: "succeeded",
        finishedAt: now,
        progressAt: now,
      })
      .where("id", "=", runId)
      .execute();
  });
}

/** Marks a run ended without success; finished epochs stay as they are. */
export async function markRunEnded(
  db: Db,
  runId: number,
  status: "failed" | "cancelled",
  error?: string,
): Promise<void> {
  await db.prisma.run.update({ where: { id: runId }, data: { status, finishedAt: new Date(), error: error ?? null } });
}

// Writes a run's progress to the database: each epoch (rows + blobs) in one better-sqlite3 transaction.
import "server-only";
import type { Db } from "../../db/client";
import { toBlob } from "../../db/blobs";
import { sqlDate } from "../../db/sql";
import type { ModelSummaryRow } from "../../model/summary";
import { totalParams } from "../../model/summary";
import type { TrainConfig } from "../../core/train-config";
import { writeCheckpoint, type CheckpointArtifacts } from "./checkpoint";

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface NewRun {
  config: TrainConfig;
  summary: ModelSummaryRow[];
  backend: { name: string; version: string };
  trainSize: number;
  valSize: number;
  testSize: number;
  batchesPerEpoch: number;
  probeIndices: Int32Array;
  jobId?: number;
}

export async function createRunRecord(db: Db, run: NewRun): Promise<number> {
  const row = await db.prisma.run.create({
    data: {
      name: run.config.name,
      notes: run.config.notes,
      status: "running",
      config: JSON.stringify(run.config),
      architecture: run.config.architecture.kind,
      paramCount: totalParams(run.summary),
      modelSummary: JSON.stringify(run.summary),
      backend: run.backend.name,
      backendVersion: run.backend.version,
      startedAt: new Date(),
      progressAt: new Date(),
      epochsPlanned: run.config.epochs,
      batchesPerEpoch: run.batchesPerEpoch,
      trainSize: run.trainSize,
      valSize: run.valSize,
      testSize: run.testSize,
      probeIndices: new Uint8Array(toBlob(run.probeIndices)),
      probeSize: run.probeIndices.length,
      probeSeed: run.config.probeSeed,
      ...(run.jobId !== undefined ? { jobId: run.jobId } : {}),
    },
  });
  return row.id;
}

export async function recordBaseline(db: Db, runId: number, loss: number, accuracy: number): Promise<void> {
  await db.prisma.run.update({ where: { id: runId }, data: { baselineTestLoss: loss, baselineTestAccuracy: accuracy } });
}

/** Live batch progress; a single small UPDATE, doubling as the run's heartbeat. */
export function recordProgress(db: Db, runId: number, epoch: number, batch: number): void {
  db.sqlite.prepare("UPDATE Run SET progressEpoch = ?, progressBatch = ?, progressAt = ? WHERE id = ?").run(epoch, batch, sqlDate(), runId);
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
}

/** Writes the epoch row, its embeddings, the best checkpoint if improved, and the run's best fields, atomically. Returns ms spent. */
export function recordEpoch(db: Db, runId: number, record: EpochRecord): number {
  const start = performance.now();
  const now = sqlDate();
  const insertEmbedding = db.sqlite.prepare(
    `INSERT INTO Embedding (runId, subset, epoch, layerIndex, layerName, rows, cols, dtype, data, createdAt)
     VALUES (?, 'probe', ?, ?, ?, ?, ?, 'float32', ?, ?)`,
  );
  db.sqlite.transaction(() => {
    const probeRows = record.probeProbs.length / 10;
    record.embeddings.forEach((e, layerIndex) => {
      insertEmbedding.run(runId, record.epoch, layerIndex, e.layerName, probeRows, e.width, toBlob(e.data), now);
    });
    if (record.checkpoint) {
      writeCheckpoint(db, runId, "best", record.epoch, record.valLoss, record.checkpoint);
      db.sqlite.prepare("UPDATE Run SET bestEpoch = ?, bestValLoss = ? WHERE id = ?").run(record.epoch, record.valLoss, runId);
    }
    db.sqlite.prepare("UPDATE Run SET progressEpoch = ?, progressBatch = 0, progressAt = ? WHERE id = ?").run(record.epoch, now, runId);
    // The Epoch row goes last: a reader that sees epoch N can rely on its embeddings and checkpoint.
    db.sqlite
      .prepare(
        `INSERT INTO Epoch (runId, epoch, loss, accuracy, valLoss, valAccuracy, testLoss, testAccuracy, durationMs, evalMs,
           recordMs, improved, confusion, probeProbs, createdAt)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
      )
      .run(
        runId, record.epoch, record.loss, record.accuracy, record.valLoss, record.valAccuracy, record.testLoss,
        record.testAccuracy, Math.round(record.durationMs), Math.round(record.evalMs), record.improved ? 1 : 0,
        JSON.stringify(Array.from(record.confusion)), toBlob(record.probeProbs), now,
      );
  })();
  const elapsed = performance.now() - start;
  db.sqlite.prepare("UPDATE Epoch SET recordMs = ? WHERE runId = ? AND epoch = ?").run(Math.round(elapsed), runId, record.epoch);
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

/** The restored best checkpoint's test evaluation, and the run marked succeeded, atomically. */
export function recordFinal(db: Db, runId: number, final: FinalRecord): void {
  const now = sqlDate();
  db.sqlite.transaction(() => {
    db.sqlite
      .prepare(
        `INSERT INTO TestPredictions (runId, count, predicted, probs, misclassified, misclassifiedCount)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(runId, final.predicted.length, toBlob(final.predicted), toBlob(final.probs), toBlob(final.misclassified), final.misclassified.length);
    db.sqlite
      .prepare(
        `INSERT INTO Embedding (runId, subset, epoch, layerIndex, layerName, rows, cols, dtype, data, createdAt)
         VALUES (?, 'test', 0, ?, ?, ?, ?, 'float32', ?, ?)`,
      )
      .run(runId, final.lastHidden.layerIndex, final.lastHidden.layerName, final.predicted.length, final.lastHidden.width, toBlob(final.lastHidden.data), now);
    db.sqlite
      .prepare(
        `UPDATE Run SET testLoss = ?, testAccuracy = ?, testConfusion = ?, status = 'succeeded', finishedAt = ?, progressAt = ?
         WHERE id = ?`,
      )
      .run(final.testLoss, final.testAccuracy, JSON.stringify(Array.from(final.confusion)), now, now, runId);
  })();
}

/** Marks a run ended without success; finished epochs stay as they are. */
export async function markRunEnded(db: Db, runId: number, status: "failed" | "cancelled", error?: string): Promise<void> {
  await db.prisma.run.update({ where: { id: runId }, data: { status, finishedAt: new Date(), error: error ?? null } });
}

// Model checkpoints in the Checkpoint table: one row per run and kind ("best", …), replaced when saved again.
import "server-only";
import type { Db } from "./client";
import { toBlob } from "./blobs";
import { sqlDate } from "./sql";
import type { Tx } from "./transaction";

/** What tfjs saves, flattened to storable values. */
export interface CheckpointArtifacts {
  modelTopology: string;
  weightSpecs: string;
  /** All weights concatenated, float32 little-endian, in weightSpecs order. */
  weightData: Uint8Array;
}

export interface CheckpointKey {
  runId: number;
  kind: string;
  epoch: number;
  valLoss: number | null;
}

/**
 * The insert-or-replace of a checkpoint on `tx`, for lib/db modules that write one inside their own transaction
 * (an epoch's record); everything else calls saveCheckpoint.
 */
export async function upsertCheckpointIn(tx: Tx, key: CheckpointKey, artifacts: CheckpointArtifacts): Promise<void> {
  const now = sqlDate();
  await tx
    .insertInto("Checkpoint")
    .values({
      ...key,
      modelTopology: artifacts.modelTopology,
      weightSpecs: artifacts.weightSpecs,
      weightData: toBlob(artifacts.weightData),
      createdAt: now,
      updatedAt: now,
    })
    .onConflict((oc) =>
      oc.columns(["runId", "kind"]).doUpdateSet((eb) => ({
        epoch: eb.ref("excluded.epoch"),
        valLoss: eb.ref("excluded.valLoss"),
        modelTopology: eb.ref("excluded.modelTopology"),
        weightSpecs: eb.ref("excluded.weightSpecs"),
        weightData: eb.ref("excluded.weightData"),
        updatedAt: eb.ref("excluded.updatedAt"),
      })),
    )
    .execute();
}

/** Writes a checkpoint row, replacing the run's previous one of the same kind. */
export async function saveCheckpoint(db: Db, key: CheckpointKey, artifacts: CheckpointArtifacts): Promise<void> {
  await upsertCheckpointIn(db.kysely, key, artifacts);
}

/** The stored checkpoint of a run and kind (weights as a Buffer over SQLite's copy), or null. */
export async function getCheckpoint(db: Db, runId: number, kind: string) {
  const row = await db.kysely
    .selectFrom("Checkpoint")
    .select(["modelTopology", "weightSpecs", "weightData"])
    .where("runId", "=", runId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  return row ?? null;
}

/** A stored checkpoint without its weights: which epoch it holds and when it was last written (changes on replace). */
export interface CheckpointStamp {
  kind: string;
  epoch: number;
  /** Stored text of the last write: equal stamps hold equal weights. */
  updatedAt: string;
}

/** The stamp of a run's checkpoint of `kind`, or null when the run has none. */
export async function getCheckpointStamp(db: Db, runId: number, kind: string): Promise<CheckpointStamp | null> {
  const row = await db.kysely
    .selectFrom("Checkpoint")
    .select(["kind", "epoch", "updatedAt"])
    .where("runId", "=", runId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  return row ?? null;
}

/** Every checkpoint a run stores ("best", and "epoch-N" when it kept each epoch's weights), by epoch then kind. */
export async function listCheckpointStamps(db: Db, runId: number): Promise<CheckpointStamp[]> {
  return db.kysely
    .selectFrom("Checkpoint")
    .select(["kind", "epoch", "updatedAt"])
    .where("runId", "=", runId)
    .orderBy("epoch")
    .orderBy("kind")
    .execute();
}

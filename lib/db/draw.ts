// Named reads for the /draw playground: which runs can serve a model to the browser, and their checkpoint files.
import "server-only";
import type { Db } from "./client";
import { blobToFloat32 } from "./blobs";

/** A finished run with a stored best checkpoint: one entry of the playground's run picker. */
export interface DrawableRun {
  id: number;
  name: string;
  architecture: string;
  testAccuracy: number | null;
  testSize: number;
}

/** Succeeded runs holding a checkpoint of `kind`, newest first. */
export async function listDrawableRuns(db: Db, kind = "best"): Promise<DrawableRun[]> {
  return db.kysely
    .selectFrom("Run")
    .innerJoin("Checkpoint", "Checkpoint.runId", "Run.id")
    .select(["Run.id", "Run.name", "Run.architecture", "Run.testAccuracy", "Run.testSize"])
    .where("Run.status", "=", "succeeded")
    .where("Checkpoint.kind", "=", kind)
    .orderBy("Run.id", "desc")
    .execute();
}

/** What names one stored version of a checkpoint: its row id and write time (a rewrite changes the latter). */
export interface CheckpointVersion {
  id: number;
  epoch: number;
  updatedAt: string;
}

/** The version of a run's checkpoint of `kind` without its blobs, or null. */
export async function getCheckpointVersion(db: Db, runId: number, kind: string): Promise<CheckpointVersion | null> {
  const row = await db.kysely
    .selectFrom("Checkpoint")
    .select(["id", "epoch", "updatedAt"])
    .where("runId", "=", runId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  return row ?? null;
}

/** A checkpoint's topology and weight specs (JSON text as tfjs saved them) with its version, or null. */
export async function getCheckpointTopology(db: Db, runId: number, kind: string) {
  const row = await db.kysely
    .selectFrom("Checkpoint")
    .select(["id", "epoch", "updatedAt", "modelTopology", "weightSpecs"])
    .where("runId", "=", runId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  return row ?? null;
}

/** A checkpoint's weights (float32 little-endian in weightSpecs order) with its version, or null. */
export async function getCheckpointWeights(db: Db, runId: number, kind: string) {
  const row = await db.kysely
    .selectFrom("Checkpoint")
    .select(["id", "epoch", "updatedAt", "weightData"])
    .where("runId", "=", runId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * The test subset's activations [rows, cols] of the run's last hidden layer (the final model's, epoch 0) with the
 * layer's index and name, or null when none is stored.
 */
export async function getLastTestLayer(db: Db, runId: number) {
  const row = await db.kysely
    .selectFrom("Embedding")
    .select(["data", "rows", "cols", "layerIndex", "layerName"])
    .where("runId", "=", runId)
    .where("subset", "=", "test")
    .where("epoch", "=", 0)
    .orderBy("layerIndex", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  const data = blobToFloat32(row.data);
  if (data.length !== row.rows * row.cols)
    throw new RangeError(`run ${runId} test embedding has ${data.length} values, expected ${row.rows} x ${row.cols}`);
  return { data, rows: row.rows, cols: row.cols, layerIndex: row.layerIndex, layerName: row.layerName };
}

/** Shape of the run's last hidden layer's test embedding without its data, or null. */
export async function getLastTestLayerShape(db: Db, runId: number) {
  const row = await db.kysely
    .selectFrom("Embedding")
    .select(["rows", "cols", "layerIndex", "layerName"])
    .where("runId", "=", runId)
    .where("subset", "=", "test")
    .where("epoch", "=", 0)
    .orderBy("layerIndex", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

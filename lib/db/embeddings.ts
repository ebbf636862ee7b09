// Named reads of a run's stored hidden-layer activations (Embedding rows): what is stored, layer names, and the data.
import "server-only";
import type { Db } from "./client";
import { blobToFloat32 } from "./blobs";
import { sourceColumns } from "./source-columns";

/** Which embedding: a subset's activations of one hidden layer after one epoch (the test subset: epoch 0, final model). */
export interface EmbeddingKey {
  subset: string;
  epoch: number;
  layerIndex: number;
}

/** A stored embedding without its data. */
export interface EmbeddingShape extends EmbeddingKey {
  layerName: string;
  rows: number;
  cols: number;
}

/** Every stored embedding of a run without data: the test subset first, then by epoch and layer. */
export async function listEmbeddingShapes(db: Db, runId: number): Promise<EmbeddingShape[]> {
  return db.kysely
    .selectFrom("Embedding")
    .select(["subset", "epoch", "layerIndex", "layerName", "rows", "cols"])
    .where("runId", "=", runId)
    .orderBy("subset", "desc")
    .orderBy("epoch")
    .orderBy("layerIndex")
    .execute();
}

/** The model's name of each hidden layer with a stored embedding, by layer index. */
export async function listLayerNames(db: Db, runId: number): Promise<Map<number, string>> {
  const rows = await db.kysely
    .selectFrom("Embedding")
    .select(["layerIndex", "layerName"])
    .distinct()
    .where("runId", "=", runId)
    .execute();
  return new Map(rows.map((r) => [r.layerIndex, r.layerName]));
}

export async function hasEmbedding(db: Db, runId: number, key: EmbeddingKey): Promise<boolean> {
  const row = await db.kysely
    .selectFrom("Embedding")
    .select("id")
    .where((eb) => eb.and(sourceColumns(runId, key)))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * One embedding's activations [rows, cols], or null when it is not stored. Throws, naming the embedding, when it is
 * not float32 or its blob does not hold rows × cols values.
 */
export async function getEmbeddingData(
  db: Db,
  runId: number,
  key: EmbeddingKey,
): Promise<{ data: Float32Array; rows: number; cols: number } | null> {
  const row = await db.kysely
    .selectFrom("Embedding")
    .select(["data", "rows", "cols", "dtype"])
    .where((eb) => eb.and(sourceColumns(runId, key)))
    .executeTakeFirst();
  if (!row) return null;
  const name = `run ${runId} embedding ${key.subset}/${key.epoch}/${key.layerIndex}`;
  if (row.dtype !== "float32") throw new Error(`${name} is ${row.dtype}, expected float32`);
  const data = blobToFloat32(row.data);
  if (data.length !== row.rows * row.cols)
    throw new RangeError(`${name} has ${data.length} values, expected ${row.rows} x ${row.cols}`);
  return { data, rows: row.rows, cols: row.cols };
}

/** The test subset's embedding of the run's last hidden layer with its layer name, or null when none is stored. */
export async function getLastTestEmbedding(
  db: Db,
  runId: number,
): Promise<{ data: Float32Array; rows: number; cols: number; layerName: string } | null> {
  const row = await db.kysely
    .selectFrom("Embedding")
    .select(["data", "rows", "cols", "layerName"])
    .where("runId", "=", runId)
    .where("subset", "=", "test")
    .orderBy("layerIndex", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? { data: blobToFloat32(row.data), rows: row.rows, cols: row.cols, layerName: row.layerName } : null;
}

/** One epoch's probe embeddings as stored (data: float32 [rows, cols] bytes), by layer. */
export async function listEpochEmbeddings(db: Db, runId: number, epoch: number) {
  return db.kysely
    .selectFrom("Embedding")
    .select(["layerIndex", "layerName", "rows", "cols", "dtype", "data"])
    .where("runId", "=", runId)
    .where("subset", "=", "probe")
    .where("epoch", "=", epoch)
    .orderBy("layerIndex")
    .execute();
}

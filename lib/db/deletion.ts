// Deleting a run with its job (the job's only product is its run) and handing the freed space back in bounded steps
// (SQLite) or to VACUUM (PostgreSQL, where a plain VACUUM takes no lock that blocks reads or writes). The Run's children (Epoch, Checkpoint, TestPredictions, Embedding, Projection,
// PairSeparation) go with it through the schema's ON DELETE CASCADE; the pages they held join SQLite's freelist, and
// PRAGMA incremental_vacuum(N) (auto_vacuum = INCREMENTAL, migration 20261202000000) returns N of them at a time:
// each step holds the write lock for milliseconds, where a full VACUUM of a multi-GB file would hold it for minutes
// and make a training write give up at the busy timeout.
import "server-only";
import { sql } from "kysely";
import type { Db } from "./client";
import { STALE_RUN_MS } from "./runs";
import { immediateTransaction, type Tx } from "./transaction";

export interface StorageFigures {
  /** Pages in the database file × page size: the file's size once the WAL is checkpointed. */
  fileBytes: number;
  /** Bytes on the freelist: freed by deletions, not yet returned to the filesystem. */
  freeBytes: number;
  /**
   * SQLite: "incremental" once the migration has run; "none" means freed pages are only reused, never returned.
   * PostgreSQL: "postgres" (VACUUM makes dead rows' space reusable; autovacuum also runs it).
   */
  autoVacuum: "none" | "full" | "incremental" | "postgres";
}

async function pragmaNumber(db: Db | Tx, name: "page_count" | "freelist_count" | "page_size" | "auto_vacuum") {
  const kysely = "kysely" in db ? db.kysely : db;
  const { rows } = await sql<Record<string, number>>`${sql.raw(`PRAGMA ${name}`)}`.execute(kysely);
  return Number(rows[0]?.[name] ?? 0);
}

/** PostgreSQL: the database's size on disk (its freed space is reused in place, not counted apart). */
async function readPostgresStorage(db: Db): Promise<StorageFigures> {
  const { rows } = await sql<{ size: number }>`SELECT pg_database_size(current_database()) AS size`.execute(db.kysely);
  return { fileBytes: Number(rows[0]?.size ?? 0), freeBytes: 0, autoVacuum: "postgres" };
}

/** The database file's size and the part of it freed but not yet returned. */
export async function readStorage(db: Db): Promise<StorageFigures> {
  if (db.engine === "postgres") return readPostgresStorage(db);
  const [pages, free, pageSize, mode] = await Promise.all([
    pragmaNumber(db, "page_count"),
    pragmaNumber(db, "freelist_count"),
    pragmaNumber(db, "page_size"),
    pragmaNumber(db, "auto_vacuum"),
  ]);
  return {
    fileBytes: pages * pageSize,
    freeBytes: free * pageSize,
    autoVacuum: mode === 2 ? "incremental" : mode === 1 ? "full" : "none",
  };
}

/**
 * Returns at most `maxPages` free pages to the filesystem (one short write transaction). Returns the bytes returned;
 * 0 when nothing was free or the database is not in incremental mode.
 */
export async function reclaimFreePages(db: Db, maxPages: number): Promise<number> {
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > 1_000_000)
    throw new RangeError(`maxPages must be an integer in 1..1000000, got ${maxPages}`);
  if (db.engine === "postgres") return vacuumPostgres(db);
  const sqlite = db.sqlite;
  // Looked at first without the write lock: the idle worker asks every second, and mostly nothing is free.
  const [free, mode] = await Promise.all([pragmaNumber(db, "freelist_count"), pragmaNumber(db, "auto_vacuum")]);
  if (free === 0 || mode !== 2) return 0;
  return immediateTransaction(db, async (tx) => {
    const before = await pragmaNumber(tx, "freelist_count");
    if (before === 0) return 0;
    // Each step of this statement frees one page, and Kysely steps a statement without result columns once: run it
    // to completion on the raw connection, which this transaction holds (Kysely queues everything else behind it).
    sqlite.pragma(`incremental_vacuum(${maxPages})`);
    const after = await pragmaNumber(tx, "freelist_count");
    return (before - after) * (await pragmaNumber(tx, "page_size"));
  });
}

/** Tables whose rows a run's deletion leaves dead: the ones VACUUM visits after it. */
const RUN_TABLES = [
  "Run",
  "Epoch",
  "Checkpoint",
  "TestPredictions",
  "Embedding",
  "Projection",
  "PairSeparation",
  "Job",
] as const;

/**
 * PostgreSQL: VACUUM (not FULL: it takes no lock that blocks readers or writers) the run tables when they have dead
 * rows; returns how much the database shrank (VACUUM gives back only empty pages at a table's end, so often 0: the
 * space is reusable by later runs, and pg_stat_user_tables.n_dead_tup drops to 0).
 */
async function vacuumPostgres(db: Extract<Db, { engine: "postgres" }>): Promise<number> {
  const dead = await sql<{ dead: number }>`
    SELECT coalesce(sum(n_dead_tup), 0) AS dead FROM pg_stat_user_tables WHERE relname IN (${sql.join([...RUN_TABLES])})`.execute(
    db.kysely,
  );
  if (Number(dead.rows[0]?.dead ?? 0) === 0) return 0;
  const before = await readPostgresStorage(db);
  // VACUUM cannot run inside a transaction block: one pooled connection, autocommit.
  const client = await db.pool.connect();
  try {
    await client.query(`VACUUM (ANALYZE) ${RUN_TABLES.map((t) => `"${t}"`).join(", ")}`);
  } finally {
    client.release();
  }
  const after = await readPostgresStorage(db);
  return Math.max(0, before.fileBytes - after.fileBytes);
}

export type Deletion =
  | { outcome: "deleted"; runId: number | null; jobId: number | null; freedBytes: number }
  | { outcome: "not-found" }
  /** Its job is queued or running: cancel it first (lib/features/jobs/deletion.ts does). */
  | { outcome: "job-active"; jobId: number; jobStatus: string }
  /** A run still training outside the queue (`npm run train`): it has no job to cancel. */
  | { outcome: "run-active"; runId: number };

/** A stored DateTime in ms: ISO text with an offset (Prisma's and sqlDate's), or SQLite's CURRENT_TIMESTAMP (UTC). */
function parseStoredDate(text: string): number {
  return Date.parse(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(text) ? `${text.replace(" ", "T")}Z` : text);
}

async function deleteTogether(
  engine: Db["engine"],
  tx: Tx,
  run: { id: number; status: string; progressAt: string | null; createdAt: string } | undefined,
  jobId: number | null,
  now: Date,
): Promise<Deletion> {
  if (jobId !== null) {
    const job = await tx.selectFrom("Job").select("status").where("id", "=", jobId).executeTakeFirst();
    if (job && (job.status === "queued" || job.status === "running"))
      return { outcome: "job-active", jobId, jobStatus: job.status };
  }
  if (run && run.status === "running" && jobId === null) {
    if (!(now.getTime() - parseStoredDate(run.progressAt ?? run.createdAt) > STALE_RUN_MS))
      return { outcome: "run-active", runId: run.id };
  }
  if (engine === "postgres") {
    // No freelist to read: what the deleted rows' blobs held is what VACUUM makes reusable.
    const freedBytes = run ? await runBlobBytes(tx, run.id) : 0;
    if (run) await tx.deleteFrom("Run").where("id", "=", run.id).execute();
    if (jobId !== null) await tx.deleteFrom("Job").where("id", "=", jobId).execute();
    return { outcome: "deleted", runId: run?.id ?? null, jobId, freedBytes };
  }
  const freeBefore = await pragmaNumber(tx, "freelist_count");
  if (run) await tx.deleteFrom("Run").where("id", "=", run.id).execute();
  if (jobId !== null) await tx.deleteFrom("Job").where("id", "=", jobId).execute();
  const freed = (await pragmaNumber(tx, "freelist_count")) - freeBefore;
  return {
    outcome: "deleted",
    runId: run?.id ?? null,
    jobId,
    freedBytes: Math.max(0, freed) * (await pragmaNumber(tx, "page_size")),
  };
}

const RUN_COLUMNS = ["id", "status", "jobId", "progressAt", "createdAt"] as const;

/**
 * Deletes run `runId` with everything recorded for it and the job that made it, unless that job is queued or running
 * or the run is still training without a job. `freedBytes` is what went onto the freelist (reclaimFreePages returns it).
 */
export async function deleteRun(db: Db, runId: number, now = new Date()): Promise<Deletion> {
  return immediateTransaction(db, async (tx) => {
    const run = await tx.selectFrom("Run").select(RUN_COLUMNS).where("id", "=", runId).executeTakeFirst();
    if (!run) return { outcome: "not-found" };
    return deleteTogether(db.engine, tx, run, run.jobId, now);
  });
}

/** Deletes job `jobId` and its run (as deleteRun), unless the job is queued or running. */
export async function deleteJob(db: Db, jobId: number, now = new Date()): Promise<Deletion> {
  return immediateTransaction(db, async (tx) => {
    const job = await tx.selectFrom("Job").select("id").where("id", "=", jobId).executeTakeFirst();
    if (!job) return { outcome: "not-found" };
    const run = await tx.selectFrom("Run").select(RUN_COLUMNS).where("jobId", "=", jobId).executeTakeFirst();
    return deleteTogether(db.engine, tx, run, jobId, now);
  });
}

export interface RunSize {
  id: number;
  name: string;
  status: string;
  jobId: number | null;
  createdAt: Date;
  /** Bytes of the run's blobs (embeddings, probabilities incl. training dynamics, checkpoints, predictions, projections). */
  bytes: number;
}

/** The run's blob columns' byte counts, as SQL over a correlated table alias `t` (length() reads a blob's size only). */
const sizeOf = (table: "Embedding" | "Projection" | "Checkpoint" | "Epoch" | "TestPredictions", expr: string) =>
  sql<number>`coalesce((select sum(${sql.raw(expr)}) from ${sql.table(table)} t where t."runId" = "Run"."id"), 0)`;
const BLOB_SIZES = [
  sizeOf("Embedding", 'length(t."data")').as("embeddings"),
  sizeOf("Projection", 'length(t."coords")').as("projections"),
  sizeOf("Checkpoint", 'length(t."weightData")').as("checkpoints"),
  sizeOf(
    "Epoch",
    'coalesce(length(t."probeProbs"), 0) + coalesce(length(t."trainLabelProbs"), 0) + ' +
      'coalesce(length(t."trainCorrect"), 0) + coalesce(length(t."valProbs"), 0)',
  ).as("probs"),
  sizeOf("TestPredictions", 'length(t."predicted") + length(t."probs") + length(t."misclassified")').as("predictions"),
];
type BlobSizes = Record<"embeddings" | "projections" | "checkpoints" | "probs" | "predictions", number>;
const totalBytes = (r: BlobSizes) =>
  Number(r.embeddings) + Number(r.projections) + Number(r.checkpoints) + Number(r.probs) + Number(r.predictions);

async function runBlobBytes(tx: Tx, runId: number): Promise<number> {
  const row = await tx.selectFrom("Run").select(BLOB_SIZES).where("id", "=", runId).executeTakeFirst();
  return row ? totalBytes(row) : 0;
}

/** Every run, newest first, with the bytes its blobs hold. */
export async function listRunSizes(db: Db): Promise<RunSize[]> {
  const rows = await db.kysely
    .selectFrom("Run")
    .select(["id", "name", "status", "jobId", "createdAt"])
    .select(BLOB_SIZES)
    .orderBy("id", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    jobId: r.jobId,
    createdAt: new Date(parseStoredDate(r.createdAt)),
    bytes: totalBytes(r),
  }));
}

// Copies runs with every row that belongs to them (and, in a full copy, the rows of no run) from one database into
// another, on either engine, ids preserved: reads in small keyset batches (blobs are MBs each) and writes one
// transaction per run on the target.
import "server-only";
import { sql, type Kysely } from "kysely";
import type { Db } from "./client";
import { COPY_ORDER, COPY_PLAN, type CopyTableName, type TableShape } from "./copy-plan";
import { immediateTransaction, type Tx } from "./transaction";

/** Rows of any table: the copy is generic over the plan's tables, so it reads and writes them untyped. */
type AnyRow = Record<string, unknown>;
type Loose = Kysely<Record<string, AnyRow>>;
const loose = (k: unknown) => k as Loose;

/** Rows per batch: blob rows are up to ~10 MB each (a test-set embedding), the others a few hundred bytes. */
const BLOB_BATCH_ROWS = 4;
const ROW_BATCH_ROWS = 200;
/** Ids per `IN (…)` list: far below either engine's bound on statement parameters. */
const ID_CHUNK = 500;

export interface CopyRunInfo {
  id: number;
  name: string;
  status: string;
  jobId: number | null;
  jobStatus: string | null;
  progressAt: string | null;
  createdAt: string;
}

/** The runs `runIds` (every run when null) with their job's status, in id order. */
export async function listCopyRuns(db: Db, runIds: number[] | null): Promise<CopyRunInfo[]> {
  let query = db.kysely
    .selectFrom("Run")
    .leftJoin("Job", "Job.id", "Run.jobId")
    .select([
      "Run.id",
      "Run.name",
      "Run.status",
      "Run.jobId",
      "Job.status as jobStatus",
      "Run.progressAt",
      "Run.createdAt",
    ])
    .orderBy("Run.id");
  if (runIds !== null) query = query.where("Run.id", "in", runIds.length > 0 ? runIds : [-1]);
  return query.execute();
}

/** The ids a table's rows of scope `scope` have in `db` (ids only: a few thousand numbers at most per run). */
async function scopeIds(db: Db, table: CopyTableName, scope: Scope): Promise<number[]> {
  const rows = await whereScope(loose(db.kysely).selectFrom(table).select("id"), table, scope).execute();
  return rows.map((r) => Number(r.id));
}

/** Which rows a step copies: one run's (with its parent rows) or the rows of no copied run. */
export type Scope = { runId: number; jobId: number | null } | { global: true };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's builders over a table chosen at run time
type Untyped = any;

/** `query` narrowed to the rows `scope` copies of `table`. */
function whereScope<Q>(query: Q, table: CopyTableName, scope: Scope): Q {
  const q = query as Untyped;
  const rule = COPY_PLAN[table];
  if ("global" in scope) {
    if (rule.kind === "global") return q;
    // Jobs no run refers to; finished ones only, so a queued job does not run a second time on the target's workers.
    if (rule.kind === "run-parent")
      return q
        .where("status", "not in", ["queued", "running"])
        .where(({ not, exists, selectFrom }: Untyped) =>
          not(exists(selectFrom("Run").select("Run.id").whereRef(`Run.${rule.runColumn}`, "=", `${table}.id`))),
        );
    return q.where("id", "=", -1);
  }
  if (rule.kind === "run") return q.where("id", "=", scope.runId);
  if (rule.kind === "run-rows") return q.where("runId", "=", scope.runId);
  if (rule.kind === "run-parent") return q.where("id", "=", scope.jobId ?? -1);
  return q.where("id", "=", -1);
}

/** The tables a scope copies: a run's (parents, run, rows) or, in a full copy, the parents' rest and the globals. */
export function scopeTables(scope: Scope, shapes: Map<string, TableShape>): CopyTableName[] {
  return COPY_ORDER.filter((t) => {
    if (!shapes.has(t)) return false;
    const kind = COPY_PLAN[t].kind;
    if ("global" in scope) return kind === "global" || kind === "run-parent";
    return kind === "run" || kind === "run-rows" || kind === "run-parent";
  });
}

/** Tables of `scope` whose ids (of the source's rows) the target already holds. */
export async function findIdClashes(
  source: Db,
  target: Db,
  scope: Scope,
  shapes: Map<string, TableShape>,
): Promise<string[]> {
  const clashes: string[] = [];
  for (const table of scopeTables(scope, shapes)) {
    const ids = await scopeIds(source, table, scope);
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const chunk = ids.slice(i, i + ID_CHUNK);
      const taken = await loose(target.kysely).selectFrom(table).select("id").where("id", "in", chunk).execute();
      if (taken.length > 0) {
        const shown = taken.slice(0, 5).map((r) => Number(r.id));
        clashes.push(`${table} ${shown.join(", ")}${taken.length > shown.length ? ", …" : ""}`);
        break;
      }
    }
  }
  return clashes;
}

export interface CopiedRows {
  /** Rows copied per table. */
  rows: Partial<Record<CopyTableName, number>>;
  /** Bytes of the blob columns copied. */
  blobBytes: number;
}

/** Reads a scope's rows of one table in id order, `batch` at a time (keyset: no OFFSET rescans). */
export async function* readScopeBatches(
  db: Db,
  table: CopyTableName,
  scope: Scope,
  columns: string[] | "all",
  batch: number,
): AsyncGenerator<AnyRow[]> {
  let after: number | null = null;
  for (;;) {
    const base = loose(db.kysely).selectFrom(table);
    const selected = whereScope(columns === "all" ? base.selectAll() : base.select(columns), table, scope);
    const rows = await (after === null ? selected : selected.where("id", ">", after))
      .orderBy("id")
      .limit(batch)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = Number(rows[rows.length - 1]!.id);
    if (rows.length < batch) return;
  }
}

export function batchRowsOf(shape: TableShape): number {
  return shape.blobColumns.length > 0 ? BLOB_BATCH_ROWS : ROW_BATCH_ROWS;
}

/**
 * Copies the rows of `scope` from `source` into `target` in one transaction on the target (all or nothing), then moves
 * the target's id sequences past the copied ids (PostgreSQL; SQLite's AUTOINCREMENT follows inserted ids itself).
 * Only the columns both databases have are read (a target migrated further fills the rest with its defaults).
 */
export async function copyScopeRows(
  source: Db,
  target: Db,
  scope: Scope,
  sourceShapes: Map<string, TableShape>,
  targetShapes: Map<string, TableShape>,
): Promise<CopiedRows> {
  const copied: CopiedRows = { rows: {}, blobBytes: 0 };
  const tables = scopeTables(scope, sourceShapes).filter((t) => targetShapes.has(t));
  await immediateTransaction(target, async (tx) => {
    for (const table of tables) {
      const shape = sourceShapes.get(table)!;
      const there = targetShapes.get(table)!;
      const columns = shape.columns.filter((c) => there.columns.includes(c));
      let count = 0;
      for await (const rows of readScopeBatches(source, table, scope, columns, batchRowsOf(shape))) {
        for (const row of rows)
          for (const c of shape.blobColumns) {
            const value = row[c];
            if (value instanceof Uint8Array) copied.blobBytes += value.byteLength;
          }
        await loose(tx).insertInto(table).values(rows).execute();
        count += rows.length;
      }
      copied.rows[table] = count;
    }
    if (target.engine === "postgres") await resetSequences(tx, tables);
  });
  return copied;
}

/**
 * PostgreSQL: each table's id sequence to just past its largest id, so new rows do not take a copied id. setval is
 * not undone by a rollback, which only leaves a gap in the ids.
 */
async function resetSequences(tx: Tx, tables: readonly CopyTableName[]): Promise<void> {
  for (const table of tables) {
    // setval has no query-builder form; the table name goes in as a parameter (a quoted identifier as text).
    await sql`SELECT setval(pg_get_serial_sequence(${`"${table}"`}, 'id'),
      (SELECT coalesce(max("id"), 0) + 1 FROM ${sql.table(table)}), false)`.execute(tx);
  }
}

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

/** Which rows a step copies: one run's (with the rows it references) or, in a full copy, the rows of no run. */
export type Scope = { runId: number } | { global: true };

/** A scope with the ids of its parent tables' rows found in the source (the target is read with the same ids). */
export interface ResolvedScope {
  scope: Scope;
  parentIds: Map<CopyTableName, number[]>;
}

/** Statuses of rows still being worked on: left behind, or the target's workers would run them a second time. */
const ACTIVE_STATUSES = ["queued", "running"];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's builders over a table chosen at run time
type Untyped = any;

/** `query` narrowed to the rows of `table` in a scope (not for parent tables: those go by their resolved ids). */
function whereScope(query: Untyped, table: CopyTableName, scope: Scope): Untyped {
  const kind = COPY_PLAN[table].kind;
  if ("global" in scope) return kind === "global" ? query : query.where("id", "=", -1);
  if (kind === "run") return query.where("id", "=", scope.runId);
  if (kind === "run-rows") return query.where("runId", "=", scope.runId);
  return query.where("id", "=", -1);
}

/**
 * The rows of `table` in `resolved`, `columns` selected ("id" among them), `batch` at a time in id order: keyset
 * pages (no OFFSET rescans), or for a parent table its resolved ids in chunks of `batch`.
 */
export async function* readScopeBatches(
  db: Db,
  table: CopyTableName,
  resolved: ResolvedScope,
  columns: string[] | "all",
  batch: number,
): AsyncGenerator<AnyRow[]> {
  const select = () => {
    const base = loose(db.kysely).selectFrom(table);
    return (columns === "all" ? base.selectAll() : base.select(columns)) as Untyped;
  };
  const ids = resolved.parentIds.get(table);
  if (ids !== undefined) {
    for (let i = 0; i < ids.length; i += batch) {
      const rows: AnyRow[] = await select()
        .where("id", "in", ids.slice(i, i + batch))
        .orderBy("id")
        .execute();
      if (rows.length > 0) yield rows;
    }
    return;
  }
  let after: number | null = null;
  for (;;) {
    const scoped = whereScope(select(), table, resolved.scope);
    const rows: AnyRow[] = await (after === null ? scoped : scoped.where("id", ">", after))
      .orderBy("id")
      .limit(batch)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = Number(rows[rows.length - 1]!.id);
    if (rows.length < batch) return;
  }
}

/** Every value of `columns` over a scope's rows of `table`. */
async function collect(db: Db, table: CopyTableName, resolved: ResolvedScope, column: string): Promise<number[]> {
  const values: number[] = [];
  const columns = column === "id" ? ["id"] : ["id", column];
  for await (const rows of readScopeBatches(db, table, resolved, columns, ID_CHUNK))
    for (const row of rows) if (row[column] !== null && row[column] !== undefined) values.push(Number(row[column]));
  return values;
}

/**
 * Finds in `db` (the source) the rows of each parent table the scope needs: those its later tables' rows refer to
 * (a run's job, and whatever that job refers to) and, in a full copy, the finished rows nothing refers to.
 */
export async function resolveScope(db: Db, scope: Scope, shapes: Map<string, TableShape>): Promise<ResolvedScope> {
  const resolved: ResolvedScope = { scope, parentIds: new Map() };
  // A parent's rows are named by a table after it, so walk the order backwards.
  for (const table of [...COPY_ORDER].reverse()) {
    const rule = COPY_PLAN[table];
    if (rule.kind !== "parent" || !shapes.has(table)) continue;
    const { table: child, column } = rule.referencedBy!;
    const ids = new Set(shapes.has(child) ? await collect(db, child, resolved, column) : []);
    if ("global" in scope) {
      let unreferenced = loose(db.kysely)
        .selectFrom(table)
        .select("id")
        .where(({ not, exists, selectFrom }: Untyped) =>
          not(exists(selectFrom(child).select("id").whereRef(`${child}.${column}`, "=", `${table}.id`))),
        ) as Untyped;
      if (shapes.get(table)!.columns.includes("status"))
        unreferenced = unreferenced.where("status", "not in", ACTIVE_STATUSES);
      for (const row of (await unreferenced.execute()) as AnyRow[]) ids.add(Number(row.id));
    }
    resolved.parentIds.set(
      table,
      [...ids].sort((a, b) => a - b),
    );
  }
  return resolved;
}

/** The tables a scope copies: a run's (parents, run, rows) or, in a full copy, the parents' rest and the globals. */
export function scopeTables(scope: Scope, shapes: Map<string, TableShape>): CopyTableName[] {
  return COPY_ORDER.filter((t) => {
    if (!shapes.has(t)) return false;
    const kind = COPY_PLAN[t].kind;
    if ("global" in scope) return kind === "global" || kind === "parent";
    return kind === "run" || kind === "run-rows" || kind === "parent";
  });
}

/** Tables of the scope whose ids (of the source's rows) the target already holds, with the first few ids. */
export async function findIdClashes(
  source: Db,
  target: Db,
  resolved: ResolvedScope,
  shapes: Map<string, TableShape>,
): Promise<string[]> {
  const clashes: string[] = [];
  for (const table of scopeTables(resolved.scope, shapes)) {
    const ids = await collect(source, table, resolved, "id");
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

export function batchRowsOf(shape: TableShape): number {
  return shape.blobColumns.length > 0 ? BLOB_BATCH_ROWS : ROW_BATCH_ROWS;
}

/**
 * Copies the rows of a scope from `source` into `target` in one transaction on the target (all or nothing), moving
 * PostgreSQL's id sequences past the copied ids (SQLite's AUTOINCREMENT follows inserted ids itself). Only the columns
 * both databases have are read (a target migrated further fills the rest with its defaults). A parent row the target
 * already has is one an earlier run of this copy brought (several runs share it): the pre-copy check refused the rest.
 */
export async function copyScopeRows(
  source: Db,
  target: Db,
  resolved: ResolvedScope,
  sourceShapes: Map<string, TableShape>,
  targetShapes: Map<string, TableShape>,
): Promise<CopiedRows> {
  const copied: CopiedRows = { rows: {}, blobBytes: 0 };
  const tables = scopeTables(resolved.scope, sourceShapes).filter((t) => targetShapes.has(t));
  await immediateTransaction(target, async (tx) => {
    for (const table of tables) {
      const shape = sourceShapes.get(table)!;
      const there = targetShapes.get(table)!;
      const columns = shape.columns.filter((c) => there.columns.includes(c));
      let count = 0;
      for await (const batch of readScopeBatches(source, table, resolved, columns, batchRowsOf(shape))) {
        let rows = batch;
        if (COPY_PLAN[table].kind === "parent") {
          const ids = rows.map((r) => Number(r.id));
          const present = await loose(tx).selectFrom(table).select("id").where("id", "in", ids).execute();
          const have = new Set(present.map((r) => Number(r.id)));
          rows = rows.filter((r) => !have.has(Number(r.id)));
          if (rows.length === 0) continue;
        }
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

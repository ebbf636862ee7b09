// Every table of the schema and how `npm run db:copy` carries it, in foreign-key order, plus a reading of a migrated
// database's tables so a table the plan does not know stops a copy instead of being left behind.
import "server-only";
import type { DB } from "../../generated/kysely/types";
import type { Db } from "./client";

export type CopyKind =
  /** The runs themselves. */
  | "run"
  /** A run's own rows: a `runId` column referencing Run (deleted with it). */
  | "run-rows"
  /**
   * Rows another table's copied rows refer to (`referencedBy`): a run's job, a job's sweep. Copied with the first run
   * that needs them, before it; the finished ones nothing refers to only in a full copy.
   */
  | "parent"
  /** Rows of no run: copied once, only in a full copy (no --runs). */
  | "global"
  /** Never copied, for the reason given. */
  | "skipped";

export interface CopyRule {
  kind: CopyKind;
  /** parent: the column of a later table in the order that holds this table's ids (Run.jobId for Job). */
  referencedBy?: { table: CopyTableName; column: string };
  why: string;
}

/**
 * One rule per table of the schema. Typed over every table of the generated row types, so a model added to
 * prisma/schema.prisma fails the type check until it is given a rule here; the key order is the order rows are
 * inserted in, referenced tables first (test/db/copy-plan.test.ts checks it against the migrated schema's foreign keys).
 */
export const COPY_PLAN: { readonly [T in keyof DB]: CopyRule } = {
  Sweep: {
    kind: "parent",
    referencedBy: { table: "Job", column: "sweepId" },
    why: "the sweep that queued a run's job (shared by its runs: it goes in with the first of them)",
  },
  Job: {
    kind: "parent",
    referencedBy: { table: "Run", column: "jobId" },
    why: "the job that made each run; jobs without a run (cross-validation, failed before training) in a full copy",
  },
  Run: { kind: "run", why: "the runs" },
  Epoch: { kind: "run-rows", why: "per-epoch metrics and probabilities" },
  Checkpoint: { kind: "run-rows", why: "model weights" },
  TestPredictions: { kind: "run-rows", why: "the final model's test predictions" },
  Embedding: { kind: "run-rows", why: "hidden-layer activations" },
  Projection: { kind: "run-rows", why: "stored layouts" },
  PairSeparation: { kind: "run-rows", why: "pair figures" },
  CrossvalResult: { kind: "global", why: "cross-validation results (no run)" },
  LabelReview: { kind: "global", why: "label reviews belong to digits, not runs" },
  Worker: {
    kind: "skipped",
    why: "the live worker list of one deployment; Job.workerId keeps the name of the worker that ran each job",
  },
  Session: {
    kind: "skipped",
    why: "admin logins of one deployment: copying them would carry live session tokens to another server",
  },
};

export type CopyTableName = keyof DB;

/** The tables in insertion order. */
export const COPY_ORDER = Object.keys(COPY_PLAN) as CopyTableName[];

/** The migration runners' own records: bookkeeping of each database, never copied. */
export const MIGRATION_TABLES: readonly string[] = ["_prisma_migrations", "_mnist_lens_migrations"];

export interface TableShape {
  columns: string[];
  /** Columns holding bytes (SQLite BLOB, PostgreSQL bytea): the ones verified by checksum. */
  blobColumns: string[];
}

/** A migrated database's tables (migration bookkeeping left out) with their columns, by table name. */
export async function readTableShapes(db: Db): Promise<Map<string, TableShape>> {
  const tables = await db.kysely.introspection.getTables();
  const shapes = new Map<string, TableShape>();
  for (const t of tables) {
    if (t.isView || MIGRATION_TABLES.includes(t.name)) continue;
    if (t.schema !== undefined && t.schema !== "public") continue;
    shapes.set(t.name, {
      columns: t.columns.map((c) => c.name),
      blobColumns: t.columns.filter((c) => /^(blob|bytea)$/i.test(c.dataType)).map((c) => c.name),
    });
  }
  return shapes;
}

/**
 * What stops a copy from `source` into `target`: a table either has that the plan does not know (a newer schema than
 * this code), a source table or column the target lacks (the target is behind: migrate it), or a planned table
 * without an integer `id`. Empty when the copy may go ahead.
 */
export function findSchemaProblems(source: Map<string, TableShape>, target: Map<string, TableShape>): string[] {
  const problems: string[] = [];
  for (const [name, where] of [
    [source, "source"],
    [target, "target"],
  ] as const) {
    for (const table of name.keys())
      if (!(table in COPY_PLAN))
        problems.push(
          `table ${table} of the ${where} has no rule in lib/db/copy-plan.ts: add one before copying, so none of its rows is left behind`,
        );
  }
  for (const [table, shape] of source) {
    if (!(table in COPY_PLAN) || COPY_PLAN[table as CopyTableName].kind === "skipped") continue;
    const there = target.get(table);
    if (!there) {
      problems.push(`table ${table} is missing from the target: migrate it to the source's schema first`);
      continue;
    }
    const missing = shape.columns.filter((c) => !there.columns.includes(c));
    if (missing.length > 0)
      problems.push(
        `${table}.${missing.join(`, ${table}.`)} missing from the target: migrate it to the source's schema`,
      );
    if (!shape.columns.includes("id")) problems.push(`table ${table} has no id column: db:copy keys every row by id`);
  }
  return problems;
}

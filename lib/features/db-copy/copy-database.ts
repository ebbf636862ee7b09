// `npm run db:copy`: moves runs (with everything recorded for them) and, in a full copy, the rows of no run, from
// one database to another on either engine, then checks each against the source by row counts and blob checksums.
import "server-only";
import { openDatabase, type Db } from "../../db/client";
import { COPY_PLAN, findSchemaProblems, readTableShapes, type TableShape } from "../../db/copy-plan";
import {
  copyScopeRows,
  findIdClashes,
  listCopyRuns,
  resolveScope,
  type CopyRunInfo,
  type ResolvedScope,
} from "../../db/copy";
import { digestScope, type TableDigest } from "../../db/copy-verify";
import { STALE_RUN_MS } from "../../db/runs";
import { databaseEngine, sqlitePath } from "../../env";
import { migrateDatabase } from "../db-migrate/migrate-database";

export interface CopyOptions {
  from: string;
  to: string;
  /** The runs to copy; null copies every run and, once, the rows of no run (jobs without a run, label reviews…). */
  runIds: number[] | null;
  onEvent?: (event: CopyEvent) => void;
  now?: Date;
}

export interface TableCheck {
  table: string;
  sourceRows: number;
  targetRows: number;
  /** Blob column → [source SHA-256, target SHA-256]. */
  blobs: Record<string, [string, string]>;
  ok: boolean;
}

export type CopyEvent =
  | { type: "migrated"; what: string }
  | { type: "skipped"; runId: number; reason: string }
  | { type: "skipped-tables"; tables: string[]; reason: string }
  | { type: "copied"; label: string; rows: number; blobBytes: number; ms: number; checks: TableCheck[] };

export interface CopySummary {
  copiedRunIds: number[];
  skippedRunIds: number[];
  /** One line per table whose count or blob checksum differs between source and target (empty: verified). */
  mismatches: string[];
}

/** A copy that must not start: the message says why and what to do. */
export class CopyRefusedError extends Error {}

function parseStoredDate(text: string): number {
  return Date.parse(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(text) ? `${text.replace(" ", "T")}Z` : text);
}

function sameDatabase(a: string, b: string): boolean {
  const key = (url: string) => (databaseEngine(url) === "sqlite" ? `file:${sqlitePath(url)}` : url);
  return key(a) === key(b);
}

/** Why a run cannot be copied now (it is still being written), or null. */
function activeReason(run: CopyRunInfo, now: Date): string | null {
  if (run.jobStatus === "queued" || run.jobStatus === "running")
    return `its job ${run.jobId} is ${run.jobStatus}: copy it once the job has finished`;
  const lastWriteMs = parseStoredDate(run.progressAt ?? run.createdAt);
  if ((run.status === "running" || run.status === "queued") && now.getTime() - lastWriteMs <= STALE_RUN_MS)
    return `it is ${run.status}: copy it once it has finished`;
  return null;
}

export function compareDigests(source: TableDigest[], target: TableDigest[]): TableCheck[] {
  return source.map((s) => {
    const t = target.find((d) => d.table === s.table);
    const blobs: Record<string, [string, string]> = {};
    let ok = t !== undefined && t.rows === s.rows;
    for (const [column, hash] of Object.entries(s.blobSha256)) {
      const other = t?.blobSha256[column] ?? "";
      blobs[column] = [hash, other];
      if (other !== hash) ok = false;
    }
    return { table: s.table, sourceRows: s.rows, targetRows: t?.rows ?? 0, blobs, ok };
  });
}

async function copyAndVerify(
  source: Db,
  target: Db,
  resolved: ResolvedScope,
  shapes: { source: Map<string, TableShape>; target: Map<string, TableShape> },
): Promise<{ rows: number; blobBytes: number; ms: number; checks: TableCheck[] }> {
  const started = performance.now();
  const copied = await copyScopeRows(source, target, resolved, shapes.source, shapes.target);
  const ms = performance.now() - started;
  const [fromDigest, toDigest] = await Promise.all([
    digestScope(source, resolved, shapes.source),
    digestScope(target, resolved, shapes.source),
  ]);
  const rows = Object.values(copied.rows).reduce((sum, n) => sum + n, 0);
  return { rows, blobBytes: copied.blobBytes, ms, checks: compareDigests(fromDigest, toDigest) };
}

/**
 * Copies `runIds` (or everything) from `from` into `to`, migrating `to` first. Refuses (CopyRefusedError) before
 * copying any row when the schemas disagree, a requested run does not exist, or the target already holds any of the
 * ids to copy (naming the runs). Runs still training are skipped and named. Each run is one transaction on the target.
 */
export async function copyDatabase(options: CopyOptions): Promise<CopySummary> {
  const { from, to, runIds, onEvent = () => {}, now = new Date() } = options;
  if (sameDatabase(from, to)) throw new CopyRefusedError("--from and --to name the same database");
  onEvent({ type: "migrated", what: await migrateDatabase(to) });
  const source = openDatabase(from);
  const target = openDatabase(to);
  try {
    const shapes = { source: await readTableShapes(source), target: await readTableShapes(target) };
    const problems = findSchemaProblems(shapes.source, shapes.target);
    if (problems.length > 0) throw new CopyRefusedError(problems.join("\n"));

    const runs = await listCopyRuns(source, runIds);
    const missing = (runIds ?? []).filter((id) => !runs.some((r) => r.id === id));
    if (missing.length > 0) throw new CopyRefusedError(`no run ${missing.join(", ")} in the source`);
    const copyable: CopyRunInfo[] = [];
    const skippedRunIds: number[] = [];
    for (const run of runs) {
      const reason = activeReason(run, now);
      if (reason === null) copyable.push(run);
      else {
        skippedRunIds.push(run.id);
        onEvent({ type: "skipped", runId: run.id, reason });
      }
    }

    for (const [table, rule] of Object.entries(COPY_PLAN))
      if (rule.kind === "skipped") onEvent({ type: "skipped-tables", tables: [table], reason: rule.why });
    // Each scope's rows are found in the source before anything is written, so the check and the copy agree.
    const scopes: { label: string; resolved: ResolvedScope; runId?: number }[] = [];
    for (const r of copyable)
      scopes.push({
        label: `run ${r.id} "${r.name}"`,
        resolved: await resolveScope(source, { runId: r.id }, shapes.source),
        runId: r.id,
      });
    if (runIds === null)
      scopes.push({ label: "rows of no run", resolved: await resolveScope(source, { global: true }, shapes.source) });
    else {
      const tables = Object.entries(COPY_PLAN)
        .filter(([, rule]) => rule.kind === "global")
        .map(([t]) => t);
      onEvent({
        type: "skipped-tables",
        tables,
        reason: "they belong to no run: only a full copy (no --runs) carries them",
      });
    }

    const clashes: string[] = [];
    for (const s of scopes) {
      const found = await findIdClashes(source, target, s.resolved, shapes.source);
      if (found.length > 0) clashes.push(`${s.label} (ids taken in the target: ${found.join("; ")})`);
    }
    if (clashes.length > 0)
      throw new CopyRefusedError(
        `the target already holds rows with the ids of ${clashes.join(", ")}: copy into an empty or migrated-only ` +
          `database, or delete those runs there first (ids are kept so links between rows stay right)`,
      );

    const mismatches: string[] = [];
    const copiedRunIds: number[] = [];
    for (const s of scopes) {
      const result = await copyAndVerify(source, target, s.resolved, shapes);
      onEvent({ type: "copied", label: s.label, ...result });
      for (const check of result.checks.filter((c) => !c.ok))
        mismatches.push(`${s.label}: ${check.table} differs (rows ${check.sourceRows} → ${check.targetRows})`);
      if (s.runId !== undefined) copiedRunIds.push(s.runId);
    }
    return { copiedRunIds, skippedRunIds, mismatches };
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
}

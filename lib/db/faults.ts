// Telling the database's faults apart (locked by another writer, disk full) from other failures, and a cheap check
// that it can be read: a busy database answers 503 with Retry-After instead of 500. No "server-only" here: proxy.ts imports this module, and
// Next compiles the proxy outside the react-server condition; nothing in it is secret or client-bound.
import Database from "better-sqlite3";
import pg from "pg";
import { databaseEngine, readEnv, sqlitePath } from "../env";
import { postgresConnection } from "./postgres-types";

/** Seconds a client is told to wait (Retry-After) when the database is busy. */
export const BUSY_RETRY_AFTER_S = 5;

/**
 * PostgreSQL's SQLSTATEs for "try again later": lock_not_available (lock_timeout, the busy timeout), query_canceled
 * (a statement timeout), deadlock_detected, too_many_connections, cannot_connect_now (starting up).
 */
const POSTGRES_BUSY_CODES = new Set(["55P03", "57014", "40P01", "53300", "57P03"]);

/**
 * True for SQLite's busy/locked errors from better-sqlite3 (SQLITE_BUSY, SQLITE_LOCKED and their extended codes)
 * and from Prisma's adapter (P1008, its timeout, or the driver's "database is locked" in the message), and for
 * PostgreSQL's lock and statement timeouts (POSTGRES_BUSY_CODES, or their messages through Prisma's adapter).
 */
export function isDatabaseBusy(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (/^SQLITE_(BUSY|LOCKED)/.test(code) || code === "P1008")) return true;
  if (typeof code === "string" && POSTGRES_BUSY_CODES.has(code)) return true;
  const message = (err as { message?: unknown }).message;
  if (typeof message === "string" && /database (table )?is locked|SQLITE_BUSY/i.test(message)) return true;
  if (
    typeof message === "string" &&
    /canceling statement due to (lock|statement) timeout|deadlock detected/i.test(message)
  )
    return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isDatabaseBusy(cause);
}

/** True for SQLITE_FULL (the disk, or the database's page limit, has no room) and PostgreSQL's disk_full (53100). */
export function isDiskFull(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (code === "SQLITE_FULL" || code === "53100") return true;
  const message = (err as { message?: unknown }).message;
  return typeof message === "string" && /database or disk is full/i.test(message);
}

const globalForProbe = globalThis as unknown as { mnistLensProbe?: Database.Database; mnistLensProbePool?: pg.Pool };

function probeSqlite(url: string): "ok" | "busy" | "unknown" {
  try {
    globalForProbe.mnistLensProbe ??= new Database(sqlitePath(url), {
      fileMustExist: true,
      timeout: readEnv().DATABASE_BUSY_TIMEOUT_MS,
    });
    globalForProbe.mnistLensProbe.prepare("SELECT count(*) FROM sqlite_schema").get();
    return "ok";
  } catch (err) {
    return isDatabaseBusy(err) ? "busy" : "unknown";
  }
}

async function probePostgres(url: string): Promise<"ok" | "busy" | "unknown"> {
  try {
    globalForProbe.mnistLensProbePool ??= new pg.Pool({
      ...postgresConnection(url, readEnv().DATABASE_BUSY_TIMEOUT_MS),
      max: 2,
    }).on("error", () => {});
    // Readers wait only behind an exclusive table lock (LOCK TABLE, VACUUM FULL, a migration): reading one row of
    // the runs table waits for it up to lock_timeout.
    await globalForProbe.mnistLensProbePool.query('SELECT 1 FROM "Run" LIMIT 1');
    return "ok";
  } catch (err) {
    return isDatabaseBusy(err) ? "busy" : "unknown";
  }
}

/**
 * Whether the database can be read now, waiting up to the busy timeout. "busy" when another process holds an
 * exclusive lock past it (a SQLite WAL reader or a PostgreSQL reader is otherwise never blocked, so this costs one
 * read); "unknown" for any other failure (a missing file, say), which the page itself then reports as it always did.
 */
export async function probeDatabase(): Promise<"ok" | "busy" | "unknown"> {
  const url = readEnv().DATABASE_URL;
  return databaseEngine(url) === "postgres" ? probePostgres(url) : probeSqlite(url);
}

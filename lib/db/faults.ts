// Telling the database's faults apart (locked by another writer, disk full) from other failures, and a cheap check
// that it can be read: a busy database answers 503 with Retry-After instead of 500. No "server-only" here: proxy.ts imports this module, and
// Next compiles the proxy outside the react-server condition; nothing in it is secret or client-bound.
import Database from "better-sqlite3";
import { readEnv, sqlitePath } from "../env";

/** Seconds a client is told to wait (Retry-After) when the database is busy. */
export const BUSY_RETRY_AFTER_S = 5;

/**
 * True for SQLite's busy/locked errors from better-sqlite3 (SQLITE_BUSY, SQLITE_LOCKED and their extended codes)
 * and from Prisma's adapter (P1008, its timeout, or the driver's "database is locked" in the message).
 */
export function isDatabaseBusy(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (/^SQLITE_(BUSY|LOCKED)/.test(code) || code === "P1008")) return true;
  const message = (err as { message?: unknown }).message;
  if (typeof message === "string" && /database (table )?is locked|SQLITE_BUSY/i.test(message)) return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isDatabaseBusy(cause);
}

/** True for SQLITE_FULL: the disk (or the database's page limit) has no room for the write. */
export function isDiskFull(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (code === "SQLITE_FULL") return true;
  const message = (err as { message?: unknown }).message;
  return typeof message === "string" && /database or disk is full/i.test(message);
}

const globalForProbe = globalThis as unknown as { mnistLensProbe?: Database.Database };

/**
 * Whether the database can be read now, waiting up to the busy timeout. "busy" when another process holds an
 * exclusive lock past it (a WAL reader is otherwise never blocked, so this costs one page read); "unknown" for any
 * other failure (a missing file, say), which the page itself then reports as it always did.
 */
export function probeDatabase(): "ok" | "busy" | "unknown" {
  try {
    globalForProbe.mnistLensProbe ??= new Database(sqlitePath(readEnv().DATABASE_URL), {
      fileMustExist: true,
      timeout: readEnv().DATABASE_BUSY_TIMEOUT_MS,
    });
    globalForProbe.mnistLensProbe.prepare("SELECT count(*) FROM sqlite_schema").get();
    return "ok";
  } catch (err) {
    return isDatabaseBusy(err) ? "busy" : "unknown";
  }
}

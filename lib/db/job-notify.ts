// Wakes idle workers when jobs are queued: on PostgreSQL a NOTIFY on one channel, LISTENed on a dedicated connection
// that reconnects with backoff when it drops; SQLite has no such signal between processes, so there workers poll.
import "server-only";
import pg from "pg";
import type { Db } from "./client";
import { postgresConnection } from "./postgres-types";

/** The channel enqueue and retry notify; a fixed identifier (LISTEN takes no parameter). */
export const JOBS_CHANNEL = "mnist_lens_jobs";

/** The listener's application_name, so an admin (or a test) can find its connection in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = "mnist-lens job listener";

/** Tells listening workers that jobs were queued; nothing on SQLite. Delivered when the caller's transaction commits. */
export async function notifyJobsQueued(db: Db): Promise<void> {
  if (db.engine !== "postgres") return;
  await db.kysely.selectNoFrom((eb) => eb.fn("pg_notify", [eb.val(JOBS_CHANNEL), eb.val("")]).as("notified")).execute();
}

export interface ListenOptions {
  /** First pause before reconnecting after the connection dropped, default 250 ms; doubles on each failure. */
  firstRetryMs?: number;
  /** Longest pause between reconnection attempts, default 8000 ms. */
  maxRetryMs?: number;
  /** Where connection losses and reconnections are reported (default: nowhere). */
  log?: (line: string) => void;
}

/**
 * Calls `onWake` whenever jobs are queued (by any process), and once after each reconnection (jobs may have been
 * queued while it was away). Resolves once the first attempt to listen has been made (when it failed, the listener
 * keeps retrying with backoff, 250 ms doubling to 8 s); the returned function stops it. On SQLite: a no-op.
 * A missed wake-up only delays a job until the worker's next poll, so the poll stays as the fallback.
 */
export async function listenForJobs(
  db: Db,
  onWake: () => void,
  options: ListenOptions = {},
): Promise<() => Promise<void>> {
  if (db.engine !== "postgres") return async () => {};
  const firstRetryMs = options.firstRetryMs ?? 250;
  const maxRetryMs = options.maxRetryMs ?? 8000;
  const log = options.log ?? (() => {});
  const url = db.url;
  let stopped = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;

  const scheduleReconnect = (why: string) => {
    if (stopped || timer) return;
    const waitMs = Math.min(maxRetryMs, firstRetryMs * 2 ** failures++);
    log(`job listener: ${why}; reconnecting in ${waitMs} ms`);
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, waitMs);
  };

  async function connect(): Promise<void> {
    // Statements here are instant (LISTEN), so the busy timeout only bounds lock_timeout as on every connection.
    const next = new pg.Client({
      ...postgresConnection(url, 15_000),
      application_name: LISTENER_APPLICATION_NAME,
      // A peer that vanished without closing (a host off the network) is noticed by TCP keepalive.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 10_000,
    });
    let lost = false;
    const onLost = (why: string) => {
      if (lost) return;
      lost = true;
      if (client === next) client = null;
      next.end().catch(() => {});
      scheduleReconnect(why);
    };
    next.on("error", (err) => onLost(`connection lost (${err.message})`));
    next.on("end", () => onLost("connection closed"));
    next.on("notification", (message) => {
      if (message.channel === JOBS_CHANNEL) onWake();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${JOBS_CHANNEL}`);
    } catch (err) {
      onLost(`cannot listen (${(err as Error).message})`);
      return;
    }
    if (stopped) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    if (failures > 0) {
      log(`job listener: listening again after ${failures} attempt(s)`);
      failures = 0;
      onWake();
    }
  }

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    timer = undefined;
    const last = client;
    client = null;
    await last?.end().catch(() => {});
  };
}

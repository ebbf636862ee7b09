// Idle workers woken by LISTEN/NOTIFY on PostgreSQL (from another connection, and again after their connection was
// killed); on SQLite the listener is a no-op and the worker polls.
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { enqueueJob, enqueueJobs, retryJob, claimQueuedJob, finishJob } from "../../lib/db/jobs";
import { LISTENER_APPLICATION_NAME, listenForJobs, notifyJobsQueued } from "../../lib/db/job-notify";
import { openDatabase, type Db } from "../../lib/db/client";
import { parseTrainConfig } from "../../lib/core/train-config";
import { createEngineTestDb, testEngine, type EngineTestDb } from "../helpers/db";

const TINY = parseTrainConfig({ name: "tiny", epochs: 1, trainSize: 100, testSize: 20, probeSize: 10 });

/** Counts wake-ups; `next()` resolves with the ms from its call to the next wake-up, rejecting after `withinMs`. */
function wakeCounter() {
  let count = 0;
  let waiter: (() => void) | null = null;
  return {
    onWake: () => {
      count++;
      waiter?.();
    },
    count: () => count,
    next(withinMs: number): Promise<number> {
      const started = Date.now();
      const seen = count;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not woken within ${withinMs} ms`)), withinMs);
        waiter = () => {
          if (count === seen) return;
          clearTimeout(timer);
          waiter = null;
          resolve(Date.now() - started);
        };
      });
    },
  };
}

/** The backend pids of the listener connections on `db`'s database. */
async function listenerPids(db: Db): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity
    WHERE application_name = ${LISTENER_APPLICATION_NAME} AND datname = current_database()`.execute(db.kysely);
  return rows.map((r) => r.pid);
}

describe("waking idle workers when jobs are queued", () => {
  let db: EngineTestDb | undefined;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await db?.cleanup();
    db = undefined;
  });

  it.runIf(testEngine() === "postgres")(
    "wakes a listener within a second of an enqueue or a retry on another connection",
    async () => {
      db = await createEngineTestDb();
      const wakes = wakeCounter();
      const stop = await listenForJobs(db, wakes.onWake);
      closers.push(stop);
      const other = openDatabase(db.url);
      closers.push(() => other.close());
      let woken = wakes.next(1000);
      const id = await enqueueJob(other, TINY, "test");
      expect(await woken).toBeLessThan(1000);
      woken = wakes.next(1000);
      await enqueueJobs(other, [TINY, TINY], "test");
      await woken;
      // A failed job's retry is queued work too.
      await claimQueuedJob(other, "w1");
      await finishJob(other, id, "w1", "failed", "boom");
      woken = wakes.next(1000);
      expect((await retryJob(other, id, "test")).outcome).toBe("queued");
      await woken;
      // Stopped: no more wake-ups, and its connection is gone.
      await stop();
      const before = wakes.count();
      await enqueueJob(other, TINY, "test");
      await expect(wakes.next(500)).rejects.toThrow(/not woken/);
      expect(wakes.count()).toBe(before);
      expect(await listenerPids(db)).toEqual([]);
    },
  );

  it.runIf(testEngine() === "postgres")(
    "reconnects after its connection is terminated and is woken again",
    async () => {
      db = await createEngineTestDb();
      const wakes = wakeCounter();
      const lines: string[] = [];
      const stop = await listenForJobs(db, wakes.onWake, { firstRetryMs: 100, log: (l) => lines.push(l) });
      closers.push(stop);
      const [first] = await listenerPids(db);
      expect(first).toBeDefined();
      // The reconnection itself wakes the listener (jobs may have been queued while it was away).
      const reconnected = wakes.next(10_000);
      await sql`SELECT pg_terminate_backend(${first!})`.execute(db.kysely);
      await reconnected;
      const pids = await listenerPids(db);
      expect(pids).toHaveLength(1);
      expect(pids[0]).not.toBe(first);
      expect(lines.some((l) => /reconnecting in 100 ms/.test(l))).toBe(true);
      const other = openDatabase(db.url);
      closers.push(() => other.close());
      const woken = wakes.next(1000);
      await enqueueJob(other, TINY, "test");
      expect(await woken).toBeLessThan(1000);
    },
  );

  it.runIf(testEngine() === "sqlite")("is a no-op on SQLite, where the worker polls", async () => {
    db = await createEngineTestDb();
    const wakes = wakeCounter();
    const stop = await listenForJobs(db, wakes.onWake);
    await notifyJobsQueued(db);
    await enqueueJob(db, TINY, "test");
    await stop();
    expect(wakes.count()).toBe(0);
  });
});

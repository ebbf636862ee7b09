// A worker's presence in the Worker table (registration, its own heartbeat also while idle, current job, counts,
// stop) and its idle wait, kept apart from the job loop so another wake-up source can replace the polling.
import "server-only";
import { randomBytes } from "node:crypto";
import os from "node:os";
import type { Db } from "../../db/client";
import {
  endWorkerJob,
  heartbeatWorker,
  markWorkerStopped,
  registerWorker,
  setWorkerJob,
  type WorkerRegistration,
} from "../../db/workers";

/**
 * Resolves when there may be work, after at most `timeoutMs`, or at once when `signal` aborts; never rejects.
 * Polling is `sleep`; a notifying engine (PostgreSQL's LISTEN/NOTIFY) can resolve early on a new job.
 */
export type WaitForWork = (signal: AbortSignal, timeoutMs: number) => Promise<void>;

/** Waits `ms`, or less if `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Host names as WORKER_HOST may give them: a DNS-like label, so ids and logs stay one readable token. */
const HOST_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * The worker's identity: `host` is WORKER_HOST when set (validated), else os.hostname(); the id is
 * "<host>:<pid>:<6 hex>", unique even when a pid is reused on a host.
 */
export function createWorkerIdentity(
  workerHost: string | undefined,
  pid = process.pid,
  hostname = os.hostname(),
): WorkerRegistration {
  const host = workerHost === undefined || workerHost === "" ? hostname : workerHost;
  if (!HOST_PATTERN.test(host))
    throw new RangeError(
      `WORKER_HOST must be 1 to 63 letters, digits, ".", "_" or "-" starting with a letter or digit, got ${JSON.stringify(host)}`,
    );
  return { id: `${host}:${pid}:${randomBytes(3).toString("hex")}`, host, pid };
}

export interface WorkerPresence {
  /** Registers the row once (a database error propagates, for the loop's backoff); later calls do nothing. */
  register(): Promise<void>;
  /** Notes the claimed job; a failure is logged, never thrown (the job runs either way). */
  jobStarted(jobId: number): Promise<void>;
  /** Counts the ended job and clears it; logged on failure. */
  jobEnded(failed: boolean): Promise<void>;
  /** Stops the heartbeat and marks the worker stopped (a clean exit); logged on failure. */
  stop(): Promise<void>;
}

/** The presence of `worker`, beating every `heartbeatMs` once registered. */
export function createWorkerPresence(
  db: Db,
  worker: WorkerRegistration,
  heartbeatMs: number,
  log: (line: string) => void,
): WorkerPresence {
  const tag = `worker ${worker.id}`;
  let registered = false;
  let timer: NodeJS.Timeout | undefined;
  let beating = false;
  let failing = false;
  const beat = () => {
    if (beating) return;
    beating = true;
    heartbeatWorker(db, worker.id)
      .then((found) => {
        if (failing) log(`${tag}: its heartbeat is recorded again`);
        failing = false;
        // The row is gone (a restored or replaced database): registered again on the next look at the queue.
        if (!found) registered = false;
      })
      .catch((err: unknown) => {
        // Once per outage: the job loop already logs each database error with its backoff.
        if (!failing) log(`${tag}: its heartbeat was not recorded (${(err as Error).message.split("\n").at(-1)})`);
        failing = true;
      })
      .finally(() => {
        beating = false;
      });
  };
  const quietly = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      log(`${tag}: ${what} not recorded (${(err as Error).message.split("\n").at(-1)})`);
    }
  };
  return {
    async register() {
      if (registered) return;
      // A row left by an earlier registration of this id (the row vanished and came back) is kept as it is.
      const found = await heartbeatWorker(db, worker.id);
      if (!found) await registerWorker(db, worker);
      registered = true;
      timer ??= setInterval(beat, heartbeatMs);
      log(`${tag}: registered on host ${worker.host} (pid ${worker.pid})`);
    },
    jobStarted: (jobId) => quietly("its current job", () => setWorkerJob(db, worker.id, jobId)),
    jobEnded: (failed) => quietly("the end of its job", () => endWorkerJob(db, worker.id, failed)),
    async stop() {
      clearInterval(timer);
      timer = undefined;
      if (registered) await quietly("its stop", () => markWorkerStopped(db, worker.id));
    },
  };
}

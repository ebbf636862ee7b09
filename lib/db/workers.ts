// The Worker table: every `npm run worker` process registers here, heartbeats, notes its current job and counts
// the jobs it ended, so /admin can show who runs what on which host. Query builder only (SQLite and PostgreSQL).
import "server-only";
import type { Db } from "./client";
import { sqlDate } from "./sql";

export interface WorkerRegistration {
  /** "<host>:<pid>:<random hex>", the value Job.workerId stores. */
  id: string;
  host: string;
  pid: number;
}

/** Inserts the worker's row (started and beating now). A second registration of the same id is an error. */
export async function registerWorker(db: Db, worker: WorkerRegistration, now = new Date()): Promise<void> {
  const at = sqlDate(now);
  await db.kysely
    .insertInto("Worker")
    .values({ id: worker.id, host: worker.host, pid: worker.pid, startedAt: at, heartbeatAt: at })
    .execute();
}

/** The worker's own heartbeat (idle or busy). False when it has no row (never registered). */
export async function heartbeatWorker(db: Db, workerId: string, now = new Date()): Promise<boolean> {
  const result = await db.kysely
    .updateTable("Worker")
    .set({ heartbeatAt: sqlDate(now) })
    .where("id", "=", workerId)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** The job the worker has just claimed; also a heartbeat. */
export async function setWorkerJob(db: Db, workerId: string, jobId: number, now = new Date()): Promise<void> {
  await db.kysely
    .updateTable("Worker")
    .set({ currentJobId: jobId, heartbeatAt: sqlDate(now) })
    .where("id", "=", workerId)
    .execute();
}

/**
 * The worker's job has ended: counted as done (succeeded, cancelled) or failed (failed, or taken from it as stale),
 * and the worker is idle again.
 */
export async function endWorkerJob(db: Db, workerId: string, failed: boolean, now = new Date()): Promise<void> {
  await db.kysely
    .updateTable("Worker")
    .set((eb) => ({
      currentJobId: null,
      heartbeatAt: sqlDate(now),
      ...(failed ? { jobsFailed: eb("jobsFailed", "+", 1) } : { jobsDone: eb("jobsDone", "+", 1) }),
    }))
    .where("id", "=", workerId)
    .execute();
}

/** A clean exit: the worker is stopped, with no current job. */
export async function markWorkerStopped(db: Db, workerId: string, now = new Date()): Promise<void> {
  const at = sqlDate(now);
  await db.kysely
    .updateTable("Worker")
    .set({ stoppedAt: at, heartbeatAt: at, currentJobId: null })
    .where("id", "=", workerId)
    .execute();
}

export interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  startedAt: Date;
  heartbeatAt: Date;
  stoppedAt: Date | null;
  currentJobId: number | null;
  jobsDone: number;
  jobsFailed: number;
}

/**
 * The `limit` workers heard from most recently, latest first: the live ones, then those stopped or lost lately
 * (rows are never deleted, so old ones fall off the end).
 */
export async function listWorkers(db: Db, limit: number): Promise<WorkerRow[]> {
  const rows = await db.kysely
    .selectFrom("Worker")
    .selectAll()
    .orderBy("heartbeatAt", "desc")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    host: r.host,
    pid: r.pid,
    startedAt: new Date(r.startedAt),
    heartbeatAt: new Date(r.heartbeatAt),
    stoppedAt: r.stoppedAt === null ? null : new Date(r.stoppedAt),
    currentJobId: r.currentJobId,
    jobsDone: r.jobsDone,
    jobsFailed: r.jobsFailed,
  }));
}

/** The host of each of these worker ids that has a row (jobs claimed by unregistered workers have none). */
export async function findWorkerHosts(db: Db, workerIds: readonly string[]): Promise<Map<string, string>> {
  if (workerIds.length === 0) return new Map();
  const rows = await db.kysely
    .selectFrom("Worker")
    .select(["id", "host"])
    .where("id", "in", [...new Set(workerIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.host]));
}

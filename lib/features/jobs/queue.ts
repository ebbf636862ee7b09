// The job queue in the Job table: enqueue, claim atomically, progress and heartbeats, cancel, retry, stale detection.
// Writes that must be atomic across processes are single SQL statements on the raw connection.
import "server-only";
import type { Db } from "../../db/client";
import { sqlDate } from "../../db/sql";
import { parseTrainConfig, type TrainConfig } from "../../core/train-config";

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
/** queued → starting (child loading data) → training → pairs (pair separation scores) → projecting → done. */
export type JobStage = "queued" | "starting" | "training" | "pairs" | "projecting" | "done";

/** A running job whose heartbeat is older than this lost its worker (killed, machine restarted). */
export const STALE_JOB_MS = 60_000;

export interface ClaimedJob {
  id: number;
  config: TrainConfig;
  attempts: number;
}

export async function enqueueJob(db: Db, config: TrainConfig, queuedBy: string, retryOfId?: number): Promise<number> {
  const job = await db.prisma.job.create({
    data: { params: JSON.stringify(config), queuedBy, ...(retryOfId !== undefined ? { retryOfId } : {}) },
  });
  return job.id;
}

/**
 * Queues `config` only if the database holds no run and no job at all (the main job's first start).
 * Check and insert happen in one IMMEDIATE transaction, so two starting workers cannot both queue it.
 */
export function enqueueIfEmpty(db: Db, config: TrainConfig, queuedBy: string): number | null {
  const insert = db.sqlite.transaction(() => {
    const { n } = db.sqlite.prepare("SELECT (SELECT COUNT(*) FROM Run) + (SELECT COUNT(*) FROM Job) AS n").get() as { n: number };
    if (n > 0) return null;
    const row = db.sqlite
      .prepare("INSERT INTO Job (status, params, queuedBy, stage, createdAt) VALUES ('queued', ?, ?, 'queued', ?) RETURNING id")
      .get(JSON.stringify(config), queuedBy, sqlDate()) as { id: number };
    return row.id;
  });
  return insert.immediate();
}

/**
 * Takes the oldest queued job for `workerId`, or null. One UPDATE ... WHERE id = (SELECT ...) ... RETURNING:
 * SQLite runs it under the database's write lock, so of two workers racing for a job exactly one gets a row back.
 */
export function claimNextJob(db: Db, workerId: string): ClaimedJob | null {
  const now = sqlDate();
  const row = db.sqlite
    .prepare(
      `UPDATE Job SET status = 'running', stage = 'starting', workerId = ?, startedAt = ?, heartbeatAt = ?, attempts = attempts + 1
       WHERE id = (SELECT id FROM Job WHERE status = 'queued' ORDER BY id LIMIT 1) AND status = 'queued'
       RETURNING id, params, attempts`,
    )
    .get(workerId, now, now) as { id: number; params: string; attempts: number } | undefined;
  if (!row) return null;
  try {
    return { id: row.id, config: parseTrainConfig(JSON.parse(row.params)), attempts: row.attempts };
  } catch (err) {
    finishJob(db, row.id, workerId, "failed", `invalid job parameters: ${(err as Error).message}`);
    return claimNextJob(db, workerId);
  }
}

export interface JobProgress {
  stage: JobStage;
  progressEpoch: number;
  progressBatch: number;
  etaMs: number | null;
}

/** Progress and heartbeat in one UPDATE; false when the job is no longer this worker's running job. */
export function recordJobProgress(db: Db, jobId: number, workerId: string, progress: JobProgress): boolean {
  const result = db.sqlite
    .prepare(
      `UPDATE Job SET stage = ?, progressEpoch = ?, progressBatch = ?, etaMs = ?, heartbeatAt = ?
       WHERE id = ? AND workerId = ? AND status = 'running'`,
    )
    .run(progress.stage, progress.progressEpoch, progress.progressBatch, progress.etaMs === null ? null : Math.round(progress.etaMs), sqlDate(), jobId, workerId);
  return result.changes === 1;
}

/** The heartbeat alone. Returns whether a cancel was requested, or null when the job is no longer this worker's. */
export function heartbeatJob(db: Db, jobId: number, workerId: string): { cancelRequested: boolean } | null {
  const row = db.sqlite
    .prepare("UPDATE Job SET heartbeatAt = ? WHERE id = ? AND workerId = ? AND status = 'running' RETURNING cancelRequested")
    .get(sqlDate(), jobId, workerId) as { cancelRequested: number } | undefined;
  return row ? { cancelRequested: row.cancelRequested === 1 } : null;
}

/** Ends this worker's running job. */
export function finishJob(db: Db, jobId: number, workerId: string, status: "succeeded" | "failed" | "cancelled", error: string | null): boolean {
  const now = sqlDate();
  const result = db.sqlite
    .prepare(
      `UPDATE Job SET status = ?, stage = 'done', error = ?, finishedAt = ?, heartbeatAt = ?, etaMs = NULL
       WHERE id = ? AND workerId = ? AND status = 'running'`,
    )
    .run(status, error, now, now, jobId, workerId);
  return result.changes === 1;
}

/**
 * Marks the job's run failed if its training process died without saying so (SIGKILL, crash); finished
 * epochs stay. Returns the run id if one was marked.
 */
export function failOrphanedRun(db: Db, jobId: number, error: string): number | null {
  const row = db.sqlite
    .prepare("UPDATE Run SET status = 'failed', error = ?, finishedAt = ? WHERE jobId = ? AND status = 'running' RETURNING id")
    .get(error, sqlDate(), jobId) as { id: number } | undefined;
  return row?.id ?? null;
}

/** Fails running jobs whose worker stopped sending heartbeats; they can then be retried. Returns how many. */
export async function failStaleJobs(db: Db, now = new Date(), staleAfterMs = STALE_JOB_MS): Promise<number> {
  const cutoff = new Date(now.getTime() - staleAfterMs);
  const result = await db.prisma.job.updateMany({
    where: { status: "running", OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null }] },
    data: {
      status: "failed",
      stage: "done",
      finishedAt: now,
      etaMs: null,
      error: `its worker stopped sending heartbeats (none for over ${staleAfterMs / 1000} s): it was killed or the machine restarted`,
    },
  });
  return result.count;
}

export type CancelOutcome = "cancelled" | "requested" | "finished" | "not-found";

/**
 * A queued job is cancelled at once; a running one gets cancelRequested, which its worker turns into SIGTERM
 * for the training process (it stops after the current batch, the run is marked cancelled with its finished epochs).
 */
export function cancelJob(db: Db, jobId: number): CancelOutcome {
  const now = sqlDate();
  const queued = db.sqlite
    .prepare("UPDATE Job SET status = 'cancelled', stage = 'done', finishedAt = ?, error = 'cancelled before it started' WHERE id = ? AND status = 'queued'")
    .run(now, jobId);
  if (queued.changes === 1) return "cancelled";
  const running = db.sqlite.prepare("UPDATE Job SET cancelRequested = 1 WHERE id = ? AND status = 'running'").run(jobId);
  if (running.changes === 1) return "requested";
  const exists = db.sqlite.prepare("SELECT 1 FROM Job WHERE id = ?").get(jobId);
  return exists ? "finished" : "not-found";
}

export type RetryOutcome = { outcome: "queued"; jobId: number } | { outcome: "not-retryable" | "not-found" | "already-retried"; jobId?: number };

/** Queues a new job with the parameters of a failed or cancelled one (retryOfId links them); one pending retry at a time. */
export function retryJob(db: Db, jobId: number, queuedBy: string): RetryOutcome {
  const retry = db.sqlite.transaction((): RetryOutcome => {
    const job = db.sqlite.prepare("SELECT status, params FROM Job WHERE id = ?").get(jobId) as { status: string; params: string } | undefined;
    if (!job) return { outcome: "not-found" };
    if (job.status !== "failed" && job.status !== "cancelled") return { outcome: "not-retryable" };
    const pending = db.sqlite.prepare("SELECT id FROM Job WHERE retryOfId = ? AND status IN ('queued', 'running')").get(jobId) as { id: number } | undefined;
    if (pending) return { outcome: "already-retried", jobId: pending.id };
    const row = db.sqlite
      .prepare("INSERT INTO Job (status, params, queuedBy, stage, retryOfId, createdAt) VALUES ('queued', ?, ?, 'queued', ?, ?) RETURNING id")
      .get(job.params, queuedBy, jobId, sqlDate()) as { id: number };
    return { outcome: "queued", jobId: row.id };
  });
  return retry.immediate();
}

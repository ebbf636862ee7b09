// The job queue's statements on the Job table: enqueue, claim, progress and heartbeats, finish, cancel, retry, stale jobs.
import "server-only";
import type { TrainConfig } from "../core/train-config";
import type { Db } from "./client";
import { notifyJobsQueued } from "./job-notify";
import { sqlDate } from "./sql";
import { immediateTransaction, type Tx } from "./transaction";

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** queued → starting (child loading data) → training → pairs (pair separation scores) → projecting → done. */
export type JobStage = "queued" | "starting" | "training" | "pairs" | "projecting" | "done";

/** A running job whose heartbeat is older than this lost its worker (killed, machine restarted). */
export const STALE_JOB_MS = 60_000;

/**
 * Wakes listening workers after jobs were queued (committed). A failed notification is not the enqueue's failure:
 * the workers' poll still finds the jobs, a poll interval later.
 */
async function wakeWorkers(db: Db): Promise<void> {
  await notifyJobsQueued(db).catch(() => {});
}

export function isJobStatus(status: string): status is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(status);
}

export async function enqueueJob(db: Db, config: TrainConfig, queuedBy: string, retryOfId?: number): Promise<number> {
  const job = await db.prisma.job.create({
    data: { params: JSON.stringify(config), queuedBy, ...(retryOfId !== undefined ? { retryOfId } : {}) },
  });
  await wakeWorkers(db);
  return job.id;
}

/** Queues every config or none (one IMMEDIATE transaction): a sweep is accepted or refused whole. Ids in order. */
export async function enqueueJobs(db: Db, configs: readonly TrainConfig[], queuedBy: string): Promise<number[]> {
  const queued = await immediateTransaction(db, async (tx) => {
    const ids: number[] = [];
    for (const config of configs) {
      const row = await tx
        .insertInto("Job")
        .values({ status: "queued", params: JSON.stringify(config), queuedBy, stage: "queued", createdAt: sqlDate() })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    return ids;
  });
  if (queued.length > 0) await wakeWorkers(db);
  return queued;
}

/**
 * Queues `config` only if the database holds no run and no job at all (the main job's first start).
 * Check and insert happen in one IMMEDIATE transaction (the write lock taken before the check), so two starting
 * workers cannot both queue it.
 */
export async function enqueueIfEmpty(db: Db, config: TrainConfig, queuedBy: string): Promise<number | null> {
  const queued = await immediateTransaction(db, async (tx) => {
    const existing = await tx
      .selectNoFrom((eb) => [
        eb.selectFrom("Run").select("id").limit(1).as("run"),
        eb.selectFrom("Job").select("id").limit(1).as("job"),
      ])
      .executeTakeFirstOrThrow();
    if (existing.run !== null || existing.job !== null) return null;
    const row = await tx
      .insertInto("Job")
      .values({ status: "queued", params: JSON.stringify(config), queuedBy, stage: "queued", createdAt: sqlDate() })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  });
  if (queued !== null) await wakeWorkers(db);
  return queued;
}

/** A claimed job as stored: its parameters are still JSON text (the caller parses and validates them). */
export interface ClaimedJobRow {
  id: number;
  params: string;
  attempts: number;
}

/**
 * Takes the oldest queued job for `workerId`, or null; of two workers racing for a job exactly one gets it.
 * SQLite: one UPDATE ... WHERE id = (SELECT ...) ... RETURNING, run under the database's one write lock.
 * PostgreSQL (READ COMMITTED): there both racers' subqueries pick the same row, the loser waits for the winner's row
 * lock, re-checks `status` and gets nothing back although other jobs are queued (an idle worker that should not be).
 * So the oldest queued row is locked with FOR UPDATE SKIP LOCKED and updated in the same transaction: a worker passes
 * over rows another is claiming instead of waiting for them (pg-boss's and graphile-worker's pattern), claims run
 * side by side, and the `status` re-check still guards the UPDATE.
 */
export async function claimQueuedJob(db: Db, workerId: string): Promise<ClaimedJobRow | null> {
  const now = sqlDate();
  // The claim's UPDATE; each engine adds which row it names.
  const claim = (q: Tx) =>
    q
      .updateTable("Job")
      .set((eb) => ({
        status: "running",
        stage: "starting",
        workerId,
        startedAt: now,
        heartbeatAt: now,
        attempts: eb("attempts", "+", 1),
      }))
      .where("status", "=", "queued")
      .returning(["id", "params", "attempts"]);
  if (db.engine === "sqlite") {
    const row = await claim(db.kysely)
      .where("id", "=", (eb) => eb.selectFrom("Job").select("id").where("status", "=", "queued").orderBy("id").limit(1))
      .executeTakeFirst();
    return row ?? null;
  }
  const row = await db.kysely.transaction().execute(async (tx) => {
    const next = await tx
      .selectFrom("Job")
      .select("id")
      .where("status", "=", "queued")
      .orderBy("id")
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    return next ? claim(tx).where("id", "=", next.id).executeTakeFirst() : undefined;
  });
  return row ?? null;
}

export interface JobProgress {
  stage: JobStage;
  progressEpoch: number;
  progressBatch: number;
  etaMs: number | null;
}

/** Progress and heartbeat in one UPDATE; false when the job is no longer this worker's running job. */
export async function recordJobProgress(
  db: Db,
  jobId: number,
  workerId: string,
  progress: JobProgress,
): Promise<boolean> {
  const result = await db.kysely
    .updateTable("Job")
    .set({
      stage: progress.stage,
      progressEpoch: progress.progressEpoch,
      progressBatch: progress.progressBatch,
      etaMs: progress.etaMs === null ? null : Math.round(progress.etaMs),
      heartbeatAt: sqlDate(),
    })
    .where("id", "=", jobId)
    .where("workerId", "=", workerId)
    .where("status", "=", "running")
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** The heartbeat alone. Returns whether a cancel was requested, or null when the job is no longer this worker's. */
export async function heartbeatJob(
  db: Db,
  jobId: number,
  workerId: string,
): Promise<{ cancelRequested: boolean } | null> {
  const row = await db.kysely
    .updateTable("Job")
    .set({ heartbeatAt: sqlDate() })
    .where("id", "=", jobId)
    .where("workerId", "=", workerId)
    .where("status", "=", "running")
    .returning("cancelRequested")
    .executeTakeFirst();
  return row ? { cancelRequested: row.cancelRequested === 1 } : null;
}

/** Ends this worker's running job. */
export async function finishJob(
  db: Db,
  jobId: number,
  workerId: string,
  status: "succeeded" | "failed" | "cancelled",
  error: string | null,
): Promise<boolean> {
  const now = sqlDate();
  const result = await db.kysely
    .updateTable("Job")
    .set({ status, stage: "done", error, finishedAt: now, heartbeatAt: now, etaMs: null })
    .where("id", "=", jobId)
    .where("workerId", "=", workerId)
    .where("status", "=", "running")
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
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
export async function cancelJob(db: Db, jobId: number): Promise<CancelOutcome> {
  const queued = await db.kysely
    .updateTable("Job")
    .set({ status: "cancelled", stage: "done", finishedAt: sqlDate(), error: "cancelled before it started" })
    .where("id", "=", jobId)
    .where("status", "=", "queued")
    .executeTakeFirst();
  if (queued.numUpdatedRows === 1n) return "cancelled";
  const running = await db.kysely
    .updateTable("Job")
    .set({ cancelRequested: 1 })
    .where("id", "=", jobId)
    .where("status", "=", "running")
    .executeTakeFirst();
  if (running.numUpdatedRows === 1n) return "requested";
  const exists = await db.kysely.selectFrom("Job").select("id").where("id", "=", jobId).executeTakeFirst();
  return exists ? "finished" : "not-found";
}

export type RetryOutcome =
  { outcome: "queued"; jobId: number } | { outcome: "not-retryable" | "not-found" | "already-retried"; jobId?: number };

/**
 * Queues a new job with the parameters of a failed or cancelled one (retryOfId links them); one pending retry at a
 * time: the check and the insert share one IMMEDIATE transaction, so two admins clicking retry queue one copy.
 */
export async function retryJob(db: Db, jobId: number, queuedBy: string): Promise<RetryOutcome> {
  const retry = await immediateTransaction(db, async (tx): Promise<RetryOutcome> => {
    const job = await tx.selectFrom("Job").select(["status", "params"]).where("id", "=", jobId).executeTakeFirst();
    if (!job) return { outcome: "not-found" };
    if (job.status !== "failed" && job.status !== "cancelled") return { outcome: "not-retryable" };
    const pending = await tx
      .selectFrom("Job")
      .select("id")
      .where("retryOfId", "=", jobId)
      .where("status", "in", ["queued", "running"])
      .executeTakeFirst();
    if (pending) return { outcome: "already-retried", jobId: pending.id };
    const row = await tx
      .insertInto("Job")
      .values({
        status: "queued",
        params: job.params,
        queuedBy,
        stage: "queued",
        retryOfId: jobId,
        createdAt: sqlDate(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { outcome: "queued", jobId: row.id };
  });
  if (retry.outcome === "queued") await wakeWorkers(db);
  return retry;
}

/** The most recent jobs, newest first, with their run's id, status and batches per epoch (the admin page's list). */
export async function listRecentJobs(db: Db, limit: number) {
  return db.prisma.job.findMany({
    orderBy: { id: "desc" },
    take: limit,
    include: { run: { select: { id: true, status: true, batchesPerEpoch: true } } },
  });
}

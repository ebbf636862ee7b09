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

/** A job whose worker vanished this many times is failed rather than queued again (it may be what kills them). */
export const MAX_JOB_ATTEMPTS = 3;

export interface StaleRecovery {
  /** Jobs queued again for another worker (their attempts so far are kept; the next claim counts one more). */
  requeued: number[];
  /** Jobs failed instead: out of attempts, or their cancel had been requested. */
  failed: number[];
  /** Jobs whose run had succeeded (the worker vanished while projecting): succeeded, with a note on what is left. */
  finished: number[];
}

/**
 * Takes back running jobs whose heartbeat is older than `staleAfterMs` (their worker was killed, its host lost the
 * network or restarted): each is queued again, its first run detached and marked failed (a run belongs to one
 * attempt), or failed when it has had `maxAttempts` attempts or a cancel was asked for. One IMMEDIATE transaction,
 * and every write names the worker it saw: the vanished worker, should it come back, finds the job no longer its
 * own (its heartbeat, progress and finish all require its id), so the job never runs as two workers' at once.
 */
export async function recoverStaleJobs(
  db: Db,
  options: { now?: Date; staleAfterMs?: number; maxAttempts?: number } = {},
): Promise<StaleRecovery> {
  const now = options.now ?? new Date();
  const staleAfterMs = options.staleAfterMs ?? STALE_JOB_MS;
  const maxAttempts = options.maxAttempts ?? MAX_JOB_ATTEMPTS;
  const at = sqlDate(now);
  const cutoff = sqlDate(new Date(now.getTime() - staleAfterMs));
  const silence = `its worker stopped sending heartbeats (none for over ${staleAfterMs / 1000} s): it was killed, lost the database or its machine restarted`;
  const staleJobs = (q: Tx) =>
    q
      .selectFrom("Job")
      .select(["id", "workerId", "attempts", "cancelRequested"])
      .where("status", "=", "running")
      .where((eb) => eb.or([eb("heartbeatAt", "<", cutoff), eb("heartbeatAt", "is", null)]))
      .orderBy("id");
  // Every idle worker asks every poll: a read first, so the write lock is taken only when there is something to do.
  if ((await staleJobs(db.kysely).limit(1).execute()).length === 0) return { requeued: [], failed: [], finished: [] };
  const recovered = await immediateTransaction(db, async (tx) => {
    const stale = await staleJobs(tx).execute();
    const recovery: StaleRecovery = { requeued: [], failed: [], finished: [] };
    for (const job of stale) {
      const again = job.attempts < maxAttempts && job.cancelRequested === 0;
      const update = tx
        .updateTable("Job")
        .where("id", "=", job.id)
        .where("status", "=", "running")
        .where((eb) => (job.workerId === null ? eb("workerId", "is", null) : eb("workerId", "=", job.workerId)))
        // Heartbeats take no lock on PostgreSQL: one that landed since the read above keeps the job its worker's.
        .where((eb) => eb.or([eb("heartbeatAt", "<", cutoff), eb("heartbeatAt", "is", null)]));
      const run = await tx.selectFrom("Run").select(["id", "status"]).where("jobId", "=", job.id).executeTakeFirst();
      if (run?.status === "succeeded") {
        // Training was done; only the follower's figures were left: training again would only duplicate the run.
        const done = await update
          .set({
            status: "succeeded",
            stage: "done",
            finishedAt: at,
            etaMs: null,
            error: `${silence} after its run succeeded; \`npm run project -- --run ${run.id}\` computes any layouts left`,
          })
          .executeTakeFirst();
        if (done.numUpdatedRows === 1n) {
          recovery.finished.push(job.id);
          await chargeWorker(tx, job.workerId, job.id);
        }
        continue;
      }
      const result = again
        ? await update
            .set({
              status: "queued",
              stage: "queued",
              workerId: null,
              startedAt: null,
              heartbeatAt: null,
              progressEpoch: 0,
              progressBatch: 0,
              etaMs: null,
              error: `attempt ${job.attempts}: ${silence}; queued again`,
            })
            .executeTakeFirst()
        : await update
            .set({
              status: "failed",
              stage: "done",
              finishedAt: at,
              etaMs: null,
              error:
                job.cancelRequested === 1
                  ? `${silence}; its cancel had been requested, so it is not queued again`
                  : `${silence}, on each of its ${job.attempts} attempts; retry it once the cause is found`,
            })
            .executeTakeFirst();
      if (result.numUpdatedRows !== 1n) continue;
      (again ? recovery.requeued : recovery.failed).push(job.id);
      // The attempt's run stays with its finished epochs; detached when the job goes again (Run.jobId is unique).
      await tx
        .updateTable("Run")
        .set({
          status: "failed",
          finishedAt: at,
          error: `job ${job.id}, attempt ${job.attempts}: ${silence}${again ? "; the job was queued again" : ""}`,
        })
        .where("jobId", "=", job.id)
        .where("status", "=", "running")
        .execute();
      if (again) await tx.updateTable("Run").set({ jobId: null }).where("jobId", "=", job.id).execute();
      await chargeWorker(tx, job.workerId, job.id);
    }
    return recovery;
  });
  if (recovered.requeued.length > 0) await wakeWorkers(db);
  return recovered;
}

/** The vanished worker no longer runs `jobId`, and the job counts as one it failed. */
async function chargeWorker(tx: Tx, workerId: string | null, jobId: number): Promise<void> {
  if (workerId === null) return;
  await tx
    .updateTable("Worker")
    .set((eb) => ({ currentJobId: null, jobsFailed: eb("jobsFailed", "+", 1) }))
    .where("id", "=", workerId)
    .where("currentJobId", "=", jobId)
    .execute();
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
    const job = await tx
      .selectFrom("Job")
      .select(["status", "params", "sweepId"])
      .where("id", "=", jobId)
      .executeTakeFirst();
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
        // A retry stays in its sweep, so the sweep page shows its run.
        sweepId: job.sweepId,
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

// Jobs and workers as the admin page shows them: plain, serialisable values (no Prisma rows cross to the browser).
import "server-only";
import type { Db } from "../../db/client";
import { isJobStatus, listRecentJobs, STALE_JOB_MS, type JobStatus } from "../../db/jobs";
import { findWorkerHosts, listWorkers } from "../../db/workers";
import { trainConfigSchema } from "../../core/train-config";

export interface JobView {
  id: number;
  status: JobStatus;
  stage: string;
  name: string;
  /** "MLP 512-512-512 · rmsprop lr 0.001 · batch 128 · 16 epochs · 60,000 digits". */
  summary: string;
  epochs: number;
  /** Finished epochs and batches done in the current one. */
  progressEpoch: number;
  progressBatch: number;
  batchesPerEpoch: number;
  etaMs: number | null;
  error: string | null;
  queuedBy: string;
  attempts: number;
  cancelRequested: boolean;
  retryOfId: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Milliseconds since the last heartbeat of a running job, else null. */
  heartbeatAgeMs: number | null;
  /** True for a running job whose heartbeat is older than STALE_JOB_MS (a worker will mark it failed). */
  stale: boolean;
  run: { id: number; status: string } | null;
  /** The worker that claimed it last (ran it, or runs it now) and its host, or null while never claimed. */
  worker: { id: string; host: string } | null;
}

/** running: on a job; idle: waiting for one; lost: no heartbeat for WORKER_LOST_MS; stopped: exited cleanly. */
export type WorkerState = "running" | "idle" | "lost" | "stopped";

/**
 * A worker silent for this long is shown lost (killed, its host down or cut off). Its jobs are taken back later,
 * at STALE_JOB_MS, by the job heartbeat; both beat every second.
 */
export const WORKER_LOST_MS = 30_000;

export interface WorkerView {
  id: string;
  host: string;
  pid: number;
  state: WorkerState;
  /** The job it runs now (running), or ran when it was lost, else null. */
  currentJobId: number | null;
  startedAt: string;
  /** Milliseconds since its last heartbeat (at least 0). */
  heartbeatAgeMs: number;
  jobsDone: number;
  jobsFailed: number;
}

function summarize(params: string): { name: string; summary: string; epochs: number } {
  try {
    const c = trainConfigSchema.parse(JSON.parse(params));
    const arch =
      c.architecture.kind === "mlp"
        ? `MLP ${c.architecture.hidden.join("-")}`
        : `CNN ${c.architecture.filters.join("-")} / ${c.architecture.dense}`;
    const parts = [
      `${arch}, dropout ${c.architecture.dropout}`,
      `${c.optimizer.name} lr ${c.optimizer.learningRate}`,
      `batch ${c.batchSize}`,
      `${c.epochs} epoch${c.epochs === 1 ? "" : "s"}`,
      `${c.trainSize.toLocaleString("en-US")} digits (${Math.round(c.validationSplit * 100)}% validate)`,
      `test ${c.testSize.toLocaleString("en-US")}, probe ${c.probeSize.toLocaleString("en-US")}`,
      `seed ${c.seed}`,
    ];
    return { name: c.name, summary: parts.join(" · "), epochs: c.epochs };
  } catch {
    return { name: "(unreadable parameters)", summary: "", epochs: 0 };
  }
}

/** The host part of a worker id ("<host>:<pid>:<hex>"), for a worker without a row (claimed before rows existed). */
function hostOfWorkerId(workerId: string): string {
  return workerId.split(":")[0] || workerId;
}

/** The most recent jobs, newest first, with their run's id and status and the host of their worker. */
export async function fetchJobViews(db: Db, limit = 50, now = new Date()): Promise<JobView[]> {
  const jobs = await listRecentJobs(db, limit);
  const hosts = await findWorkerHosts(
    db,
    jobs.flatMap((j) => (j.workerId === null ? [] : [j.workerId])),
  );
  return jobs.map((job) => {
    if (!isJobStatus(job.status)) throw new Error(`job ${job.id} has an unknown status "${job.status}"`);
    const heartbeatAgeMs =
      job.status === "running" && job.heartbeatAt ? now.getTime() - job.heartbeatAt.getTime() : null;
    return {
      id: job.id,
      status: job.status,
      stage: job.stage,
      ...summarize(job.params),
      progressEpoch: job.progressEpoch,
      progressBatch: job.progressBatch,
      batchesPerEpoch: job.run?.batchesPerEpoch ?? 0,
      etaMs: job.etaMs,
      error: job.error,
      queuedBy: job.queuedBy,
      attempts: job.attempts,
      cancelRequested: job.cancelRequested,
      retryOfId: job.retryOfId,
      createdAt: job.createdAt.toISOString(),
      startedAt: job.startedAt?.toISOString() ?? null,
      finishedAt: job.finishedAt?.toISOString() ?? null,
      heartbeatAgeMs,
      stale: heartbeatAgeMs !== null && heartbeatAgeMs > STALE_JOB_MS,
      run: job.run ? { id: job.run.id, status: job.run.status } : null,
      worker:
        job.workerId === null
          ? null
          : { id: job.workerId, host: hosts.get(job.workerId) ?? hostOfWorkerId(job.workerId) },
    };
  });
}

/** The workers heard from most recently (up to `limit`, default 20), latest first. */
export async function fetchWorkerViews(
  db: Db,
  options: { limit?: number; now?: Date; lostAfterMs?: number } = {},
): Promise<WorkerView[]> {
  const now = options.now ?? new Date();
  const lostAfterMs = options.lostAfterMs ?? WORKER_LOST_MS;
  const rows = await listWorkers(db, options.limit ?? 20);
  return rows.map((w) => {
    const heartbeatAgeMs = Math.max(0, now.getTime() - w.heartbeatAt.getTime());
    const state: WorkerState =
      w.stoppedAt !== null
        ? "stopped"
        : heartbeatAgeMs > lostAfterMs
          ? "lost"
          : w.currentJobId !== null
            ? "running"
            : "idle";
    return {
      id: w.id,
      host: w.host,
      pid: w.pid,
      state,
      currentJobId: w.currentJobId,
      startedAt: w.startedAt.toISOString(),
      heartbeatAgeMs,
      jobsDone: w.jobsDone,
      jobsFailed: w.jobsFailed,
    };
  });
}

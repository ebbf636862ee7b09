// The job worker: claims one queued job at a time, trains it in a child process (`scripts/train.ts --events json
// --job-id N`), relays the child's events into the Job row as progress and ETA, heartbeats, turns a cancel request
// into SIGTERM for the child, then runs the pairs stage (pair separation scores) and the projection stage.
import "server-only";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Db } from "../../db/client";
import { failStaleJobs, finishJob, heartbeatJob, recordJobProgress, type JobProgress } from "../../db/jobs";
import { failOrphanedRun, failStaleRuns } from "../../db/runs";
import { reclaimFreePages } from "../../db/deletion";
import { estimateRemainingMs } from "../../core/job-estimate";
import { projectCommand, REPO_ROOT, startChild, tsxCommand, type ChildExit } from "./child";
import { trainArgsOf } from "../../core/job-params";
import { claimNextJob, type ClaimedJob } from "./queue";

export interface WorkerOptions {
  db: Db;
  /** Unique per worker process, recorded on the jobs it claims. */
  workerId: string;
  /** Aborting stops claiming, sends SIGTERM to a running child and resolves once its job is recorded. */
  signal: AbortSignal;
  /** Aborting kills a running child at once (SIGKILL); its job is recorded failed and its finished epochs stay. */
  killSignal?: AbortSignal;
  /** Environment of the child processes (DATABASE_URL, TFJS_BACKEND). */
  env: NodeJS.ProcessEnv;
  /** Idle wait between looks at the queue, default 1000 ms. */
  pollMs?: number;
  /** Heartbeat and cancel check while a job runs, default 1000 ms. Jobs are stale after STALE_JOB_MS (60 s). */
  heartbeatMs?: number;
  /** Minimum interval between progress writes, default 500 ms. */
  progressIntervalMs?: number;
  /** Return when the queue is empty instead of waiting (tests, one-shot use). */
  exitWhenIdle?: boolean;
  /** Skip the projection stage (tests, or a worker that only trains). */
  skipProjections?: boolean;
  /** The projection stage's command for a succeeded run, or null when there is none. Default: scripts/project.ts if present. */
  projectCommand?: (runId: number) => string[] | null;
  /** Skip the pairs stage (the pair pages then compute a run's separation scores when first visited). */
  skipPairs?: boolean;
  /** The pairs stage's command for a succeeded run, or null when there is none. Default: scripts/pairs.ts. */
  pairsCommand?: (runId: number) => string[] | null;
  log?: (line: string) => void;
}

/** Backoff after a database error while looking for work: 1 s, 2 s, 4 s … at most 8 s between attempts. */
const DB_RETRY_FIRST_MS = 1000;
const DB_RETRY_MAX_MS = 8000;

const EXIT_CANCELLED = 130;
/** Free pages returned per idle look at the queue: 16 MB at 4 KB pages, a write lock of milliseconds. */
const IDLE_RECLAIM_PAGES = 4096;
const EXIT_USAGE = 2;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
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

/** An error's message on one log line: Prisma's span several, the cause ("Operation has timed out") last. */
function lastLine(err: unknown): string {
  const lines = String(err instanceof Error ? err.message : err).split("\n");
  return (
    lines
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? "unknown error"
  );
}

/** Runs jobs until `signal` aborts (or, with exitWhenIdle, until the queue is empty). Returns how many it ran. */
export async function runWorker(options: WorkerOptions): Promise<number> {
  const { db, workerId, signal } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  let ran = 0;
  log(`worker ${workerId}: waiting for jobs`);
  // Database errors (locked past the busy timeout, the folder briefly unreadable) are waited out with a doubling
  // pause: the claim is one statement, so a failed claim leaves the job queued for the next attempt.
  let failures = 0;
  while (!signal.aborted) {
    let job: ClaimedJob | null;
    try {
      const staleJobs = await failStaleJobs(db);
      if (staleJobs > 0)
        log(`worker ${workerId}: marked ${staleJobs} job(s) whose worker had died as failed (they can be retried)`);
      await failStaleRuns(db);
      job = await claimNextJob(db, workerId);
      if (failures > 0) log(`worker ${workerId}: the database answers again after ${failures} failed attempt(s)`);
      failures = 0;
    } catch (err) {
      const waitMs = Math.min(DB_RETRY_MAX_MS, DB_RETRY_FIRST_MS * 2 ** failures++);
      log(`worker ${workerId}: database error (${lastLine(err)}); retrying in ${waitMs} ms`);
      await sleep(waitMs, signal);
      continue;
    }
    if (!job) {
      // Between jobs: return one bounded step of the pages deleted runs freed (the server's own loop may have died).
      await reclaimFreePages(db, IDLE_RECLAIM_PAGES).then(
        (bytes) => bytes > 0 && log(`worker ${workerId}: returned ${bytes} freed bytes to the filesystem`),
        (err: unknown) => log(`worker ${workerId}: freed pages not returned this time: ${(err as Error).message}`),
      );
      if (options.exitWhenIdle) break;
      await sleep(options.pollMs ?? 1000, signal);
      continue;
    }
    ran++;
    try {
      await runJob(job, { ...options, log });
    } catch (err) {
      // Whatever went wrong with this job is its failure, recorded with the reason; the worker takes the next one.
      const reason = `the worker could not run the job: ${(err as Error).message}`;
      log(`job ${job.id}: failed (${reason})`);
      await finishJob(db, job.id, workerId, "failed", reason).catch((e: unknown) =>
        // Not written either (the database is away): the job keeps this worker's claim until stale, then fails.
        log(`job ${job.id}: its failure not recorded (${lastLine(e)}); it is failed once stale`),
      );
    }
  }
  log(`worker ${workerId}: stopped after ${ran} job(s)`);
  return ran;
}

interface JobContext extends WorkerOptions {
  log: (line: string) => void;
}

/** Trains one claimed job in a child process and records how it ended. */
export async function runJob(job: ClaimedJob, ctx: JobContext): Promise<void> {
  const { db, workerId, log } = ctx;
  const tag = `job ${job.id}`;
  let args: string[];
  try {
    args = [...trainArgsOf(job.config), "--events=json", `--job-id=${job.id}`];
  } catch (err) {
    await finishJob(db, job.id, workerId, "failed", (err as Error).message);
    return;
  }

  const progress: JobProgress = { stage: "starting", progressEpoch: 0, progressBatch: 0, etaMs: null };
  const finishedEpochMs: number[] = [];
  let runId: number | null = null;
  let endError: string | undefined;
  let lastWrite = 0;
  let cancelRequested = false;
  let lostJob = false;
  let signalled = false;
  // Progress writes run one after another in event order; the job's outcome is recorded after the last of them.
  let writes: Promise<void> = Promise.resolve();

  const write = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastWrite < (ctx.progressIntervalMs ?? 500)) return;
    lastWrite = now;
    const snapshot = { ...progress };
    writes = writes
      .then(() => recordJobProgress(db, job.id, workerId, snapshot))
      .then(
        (owned) => {
          if (!owned) lostJob = true;
        },
        (err: unknown) => log(`${tag}: progress not recorded: ${(err as Error).message}`),
      );
  };

  const onEvent = (e: Record<string, unknown>) => {
    switch (e.type) {
      case "start":
        runId = e.runId as number;
        progress.stage = "training";
        log(`${tag}: run ${runId}, ${e.batchesPerEpoch} batches per epoch`);
        write(true);
        break;
      case "batch": {
        const epoch = e.epoch as number;
        progress.progressEpoch = epoch - 1;
        progress.progressBatch = e.batch as number;
        progress.etaMs = estimateRemainingMs({
          epochs: job.config.epochs,
          epoch,
          batch: e.batch as number,
          batches: e.batches as number,
          elapsedInEpochMs: e.elapsedMs as number,
          finishedEpochMs,
        });
        write(e.batch === e.batches);
        break;
      }
      case "epoch":
        finishedEpochMs.push((e.durationMs as number) + (e.evalMs as number) + (e.recordMs as number));
        progress.progressEpoch = e.epoch as number;
        progress.progressBatch = 0;
        progress.etaMs = e.etaMs as number;
        log(`${tag}: epoch ${e.epoch}/${e.epochs} val_accuracy ${(e.valAccuracy as number).toFixed(4)}`);
        write(true);
        break;
      case "end":
        if (typeof e.error === "string") endError = e.error;
        break;
    }
  };

  const train = startChild(tsxCommand("scripts/train.ts", args), ctx.env, onEvent, (line, stream) =>
    log(`${tag} ${stream}: ${line}`),
  );
  log(`${tag}: claimed by ${workerId} (attempt ${job.attempts}), training in child pid ${train.child.pid}`);

  const stopChild = (why: string) => {
    if (signalled) return;
    signalled = true;
    log(`${tag}: ${why}: SIGTERM to pid ${train.child.pid} (it stops after the current batch)`);
    train.child.kill("SIGTERM");
  };
  let beating = false;
  const heartbeat = setInterval(() => {
    // A beat still waiting for the database is not doubled by the next tick.
    if (beating) return;
    beating = true;
    heartbeatJob(db, job.id, workerId)
      .then((beat) => {
        if (beat === null) {
          lostJob = true;
          stopChild("the job is no longer this worker's (marked failed as stale?)");
        } else if (beat.cancelRequested) {
          cancelRequested = true;
          stopChild("cancel requested");
        }
      })
      .catch((err: unknown) => log(`${tag}: heartbeat not recorded: ${(err as Error).message}`))
      .finally(() => {
        beating = false;
      });
  }, ctx.heartbeatMs ?? 1000);
  const onShutdown = () => stopChild("worker stopping");
  const onKill = () => {
    log(`${tag}: worker stopping at once: SIGKILL to pid ${train.child.pid}`);
    train.child.kill("SIGKILL");
  };
  if (ctx.signal.aborted) onShutdown();
  ctx.signal.addEventListener("abort", onShutdown, { once: true });
  ctx.killSignal?.addEventListener("abort", onKill, { once: true });

  let exit: ChildExit;
  try {
    exit = await train.exit;
  } finally {
    ctx.signal.removeEventListener("abort", onShutdown);
    ctx.killSignal?.removeEventListener("abort", onKill);
  }

  try {
    if (exit.code === 0 && runId !== null) {
      // The pairs stage first: about two minutes for a seed run on the shared machine, against the projections' twenty or more.
      const pairsNote = await runPairsStage(runId, ctx, tag, () => {
        progress.stage = "pairs";
        progress.etaMs = null;
        write(true);
      });
      const projectionNote = await runProjectionStage(runId, ctx, tag, () => {
        progress.stage = "projecting";
        progress.etaMs = null;
        write(true);
      });
      clearInterval(heartbeat);
      await record("succeeded", [pairsNote, projectionNote].filter((n) => n !== null).join("; ") || null);
      return;
    }
    clearInterval(heartbeat);
    // A progress write still pending may yet find the job taken from this worker (lostJob, read below).
    await writes;
    // Whether it was cancelled, interrupted or killed, a run the child could not close is closed here.
    const killedBy = exit.signal ? `the training process was killed by ${exit.signal}` : null;
    if (exit.code === EXIT_CANCELLED && cancelRequested) {
      const done = progress.progressEpoch;
      await record(
        "cancelled",
        done === 0
          ? "cancelled by the admin before the first epoch finished"
          : `cancelled by the admin after ${done} finished epoch${done === 1 ? "" : "s"}, which are kept`,
      );
    } else if (exit.code === EXIT_CANCELLED || (signalled && !cancelRequested)) {
      await record(
        "failed",
        `interrupted: ${lostJob ? "the job was taken from this worker" : "the worker was stopped"} before training finished; retry it`,
      );
    } else if (exit.code === EXIT_USAGE) {
      await record("failed", `the training script rejected the parameters: ${exit.stderrTail.split("\n")[0]}`);
    } else {
      await record(
        "failed",
        killedBy ??
          endError ??
          (exit.stderrTail.trim().split("\n").slice(-3).join(" ") ||
            `the training process exited with code ${exit.code}`),
      );
    }
  } finally {
    clearInterval(heartbeat);
  }

  async function record(status: "succeeded" | "failed" | "cancelled", error: string | null) {
    await writes;
    if (status !== "succeeded") {
      const orphan = await failOrphanedRun(db, job.id, error ?? status);
      if (orphan !== null) log(`${tag}: run ${orphan} marked failed (its process ended without closing it)`);
    }
    const recorded = await finishJob(db, job.id, workerId, status, error);
    log(
      `${tag}: ${status}${error ? ` (${error})` : ""}${recorded ? "" : " — not recorded: the job was no longer this worker's"}`,
    );
  }
}

/** `scripts/pairs.ts --run=ID` when present in this checkout. */
function pairsCommand(runId: number): string[] | null {
  const script = path.join("scripts", "pairs.ts");
  return existsSync(path.join(REPO_ROOT, script)) ? tsxCommand(script, [`--run=${runId}`]) : null;
}

/** A post-training stage run as a child process (pairs, projections): how it is announced and reported. */
interface ChildStage {
  name: string;
  skipped: boolean;
  skipFlag: string;
  command: string[] | null;
  missingScript: string;
  starting: string;
  /** The note's beginning when the child exits non-zero. */
  failure: string;
}

/**
 * Runs `stage` in a child process that SIGTERM (shutdown) and SIGKILL (kill) reach. Returns a note for the job when
 * it could not complete, null when it did or was skipped.
 */
async function runChildStage(
  stage: ChildStage,
  ctx: JobContext,
  tag: string,
  onStart: () => void,
): Promise<string | null> {
  if (stage.skipped) {
    ctx.log(`${tag}: ${stage.name} stage skipped (${stage.skipFlag})`);
    return null;
  }
  if (!stage.command) {
    ctx.log(`${tag}: ${stage.missingScript}`);
    return null;
  }
  ctx.log(`${tag}: ${stage.starting}`);
  onStart();
  const child = startChild(
    stage.command,
    ctx.env,
    () => {},
    (line, stream) => ctx.log(`${tag} ${stage.name} ${stream}: ${line}`),
  );
  const onShutdown = () => child.child.kill("SIGTERM");
  const onKill = () => child.child.kill("SIGKILL");
  if (ctx.signal.aborted) onShutdown();
  ctx.signal.addEventListener("abort", onShutdown, { once: true });
  ctx.killSignal?.addEventListener("abort", onKill, { once: true });
  try {
    const exit = await child.exit;
    if (exit.code === 0) return null;
    return `${stage.failure} (exit ${exit.code ?? exit.signal}): ${exit.stderrTail.trim().split("\n").slice(-1)[0] ?? ""}`.trim();
  } finally {
    ctx.signal.removeEventListener("abort", onShutdown);
    ctx.killSignal?.removeEventListener("abort", onKill);
  }
}

/**
 * The job's "pairs" stage: the separation scores of all 45 digit pairs in every probe layer × epoch, stored so the
 * pair pages read them (scripts/pairs.ts, in a child process: a couple of CPU-bound seconds per layer × epoch would
 * starve the heartbeat). Returns a note for the job when it could not complete; the pages then compute what is missing.
 */
function runPairsStage(runId: number, ctx: JobContext, tag: string, onStart: () => void): Promise<string | null> {
  return runChildStage(
    {
      name: "pairs",
      skipped: ctx.skipPairs === true,
      skipFlag: "--no-pairs",
      command: ctx.skipPairs ? null : (ctx.pairsCommand ?? pairsCommand)(runId),
      missingScript: "no pairs script (scripts/pairs.ts) in this checkout; pair figures not stored",
      starting: `storing the pair figures of run ${runId}`,
      failure: "the run succeeded but its pair figures were not all stored",
    },
    ctx,
    tag,
    onStart,
  );
}

/**
 * The job's "projecting" stage: the embedding issue's projection script on the new run, in a child process
 * (t-SNE is CPU-bound and would starve the heartbeat). Returns a note for the job when it could not complete.
 */
function runProjectionStage(runId: number, ctx: JobContext, tag: string, onStart: () => void): Promise<string | null> {
  return runChildStage(
    {
      name: "project",
      skipped: ctx.skipProjections === true,
      skipFlag: "--no-projections",
      command: ctx.skipProjections ? null : (ctx.projectCommand ?? projectCommand)(runId),
      missingScript: "no projection script (scripts/project.ts) in this checkout; projections not computed",
      starting: `projecting run ${runId}`,
      failure: "the run succeeded but its projections did not complete",
    },
    ctx,
    tag,
    onStart,
  );
}

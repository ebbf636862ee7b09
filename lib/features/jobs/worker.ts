// The job worker: claims one queued job at a time, trains it in a child process (`scripts/train.ts --events json
// --job-id N`), relays the child's events into the Job row as progress and ETA, heartbeats, turns a cancel request
// into SIGTERM for the child. As soon as training reports its run, a second child follows it (`scripts/project.ts
// --follow`): each epoch's layouts and pair figures as the epoch is recorded, then the final views and UMAP.
import "server-only";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Db } from "../../db/client";
import {
  finishJob,
  heartbeatJob,
  recordJobProgress,
  recoverStaleJobs,
  STALE_JOB_MS,
  type JobProgress,
} from "../../db/jobs";
import { failOrphanedRun, failStaleRuns } from "../../db/runs";
import { detachFollower } from "../../db/run-follow";
import { reclaimFreePages } from "../../db/deletion";
import { estimateRemainingMs } from "../../core/job-estimate";
import { REPO_ROOT, startChild, tsxCommand, type ChildExit, type RunningChild } from "./child";
import { trainArgsOf } from "../../core/job-params";
import { claimNextJob, type ClaimedJob } from "./queue";
import { createNotifiedWait } from "./notified-wait";
import { createWorkerPresence, sleep, type WaitForWork } from "./worker-presence";
import { checkFollowerWaitMs, DEFAULT_FOLLOWER_WAIT_MS } from "../train/follower-wait";
import { formatFollowerWait } from "../train/progress-text";
import type { TrainEvent } from "../train/run-training";

export interface WorkerOptions {
  db: Db;
  /** Unique per worker process, recorded on the jobs it claims and as its Worker row's id. */
  workerId: string;
  /** The host named on its Worker row, default os.hostname() (scripts/worker.ts passes WORKER_HOST's). */
  host?: string;
  /** Aborting stops claiming, sends SIGTERM to a running child and resolves once its job is recorded. */
  signal: AbortSignal;
  /** Aborting kills a running child at once (SIGKILL); its job is recorded failed and its finished epochs stay. */
  killSignal?: AbortSignal;
  /** Environment of the child processes (DATABASE_URL, TFJS_BACKEND). */
  env: NodeJS.ProcessEnv;
  /** Idle wait between looks at the queue, default 1000 ms. */
  pollMs?: number;
  /** How the idle worker waits for work, at most pollMs: default polling; a notifying engine may wake it early. */
  waitForWork?: WaitForWork;
  /** Heartbeat and cancel check while a job runs, and the worker's own heartbeat, default 1000 ms. */
  heartbeatMs?: number;
  /**
   * A running job whose heartbeat is older than this is taken back from its vanished worker and queued again
   * (default STALE_JOB_MS, 60 s); this worker stops its own training once it has failed to beat for half of it.
   */
  staleJobMs?: number;
  /** Minimum interval between progress writes, default 500 ms. */
  progressIntervalMs?: number;
  /** Return when the queue is empty instead of waiting (tests, one-shot use). */
  exitWhenIdle?: boolean;
  /** The follower computes no layouts (tests, or a worker that only trains). */
  skipProjections?: boolean;
  /** The follower stores no pair figures (the pair pages then compute a run's separation scores when first visited). */
  skipPairs?: boolean;
  /**
   * The follower's command for a run, given its flags (`--run=ID --follow`, and `--no-pairs` / `--no-layouts` for the
   * skips), or null for none. Default: scripts/project.ts with those flags, if present. Not started when both skip.
   */
  followCommand?: (runId: number, flags: string[]) => string[] | null;
  /**
   * With a follower, training waits up to this many ms before recording each epoch for the follower's figures of the
   * previous one (every epoch's layouts shown before the next epoch's). Default DEFAULT_FOLLOWER_WAIT_MS; 0 = no wait.
   */
  followerWaitMs?: number;
  log?: (line: string) => void;
}

/** Backoff after a database error while looking for work: 1 s, 2 s, 4 s … at most 8 s between attempts. */
const DB_RETRY_FIRST_MS = 1000;
const DB_RETRY_MAX_MS = 8000;

const EXIT_CANCELLED = 130;
/** Free pages returned per idle look at the queue: 16 MB at 4 KB pages, a write lock of milliseconds. */
const IDLE_RECLAIM_PAGES = 4096;
const EXIT_USAGE = 2;

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
  const staleJobMs = options.staleJobMs ?? STALE_JOB_MS;
  // A bad bound is the caller's error, not every job's: refused before any job is claimed.
  if (options.followerWaitMs !== undefined) checkFollowerWaitMs(options.followerWaitMs);
  // Woken at once by a queued job on PostgreSQL; polling on SQLite (or the caller's own wait).
  const notified = options.waitForWork ? null : await createNotifiedWait(db, log);
  const waitForWork = options.waitForWork ?? notified!.wait;
  const presence = createWorkerPresence(
    db,
    { id: workerId, host: options.host ?? os.hostname(), pid: process.pid },
    options.heartbeatMs ?? 1000,
    log,
  );
  let ran = 0;
  log(`worker ${workerId}: waiting for jobs`);
  // Database errors (locked past the busy timeout, the folder briefly unreadable, the server unreachable) are waited
  // out with a doubling pause: the claim is one statement, so a failed claim leaves the job queued for the next try.
  let failures = 0;
  try {
    while (!signal.aborted) {
      let job: ClaimedJob | null;
      try {
        await presence.register();
        const stale = await recoverStaleJobs(db, { staleAfterMs: staleJobMs });
        if (stale.requeued.length > 0)
          log(`worker ${workerId}: queued again job(s) ${stale.requeued.join(", ")}, whose worker had vanished`);
        if (stale.failed.length > 0)
          log(`worker ${workerId}: failed job(s) ${stale.failed.join(", ")}, whose worker had vanished (not retried)`);
        if (stale.finished.length > 0)
          log(
            `worker ${workerId}: closed job(s) ${stale.finished.join(", ")}, whose worker vanished after the run succeeded`,
          );
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
        await waitForWork(signal, options.pollMs ?? 1000);
        continue;
      }
      ran++;
      await presence.jobStarted(job.id);
      let outcome: JobOutcome = "failed";
      try {
        outcome = await runJob(job, { ...options, log });
      } catch (err) {
        // Whatever went wrong with this job is its failure, recorded with the reason; the worker takes the next one.
        const reason = `the worker could not run the job: ${(err as Error).message}`;
        log(`job ${job.id}: failed (${reason})`);
        await finishJob(db, job.id, workerId, "failed", reason).catch((e: unknown) =>
          // Not written either (the database is away): the job keeps this worker's claim until stale, then goes again.
          log(`job ${job.id}: its failure not recorded (${lastLine(e)}); it is taken back once stale`),
        );
      }
      await presence.jobEnded(outcome === "failed" || outcome === "lost");
    }
  } finally {
    await presence.stop();
    await notified?.stop();
  }
  log(`worker ${workerId}: stopped after ${ran} job(s)`);
  return ran;
}

/** How a job ended for this worker; "lost": it was no longer this worker's when the end was to be recorded. */
export type JobOutcome = "succeeded" | "failed" | "cancelled" | "lost";

interface JobContext extends WorkerOptions {
  log: (line: string) => void;
}

/** Trains one claimed job in a child process and records how it ended. */
export async function runJob(job: ClaimedJob, ctx: JobContext): Promise<JobOutcome> {
  const { db, workerId, log } = ctx;
  const fenceMs = (ctx.staleJobMs ?? STALE_JOB_MS) / 2;
  let outcome: JobOutcome = "failed";
  const tag = `job ${job.id}`;
  // Training waits for a follower only if one is to be started (the follower detaches the run when it ends).
  const followerWaitMs = ctx.skipProjections && ctx.skipPairs ? 0 : (ctx.followerWaitMs ?? DEFAULT_FOLLOWER_WAIT_MS);
  let args: string[];
  try {
    args = [...trainArgsOf(job.config), "--events=json", `--job-id=${job.id}`];
    if (job.job.kind === "crossval") args.push(`--folds=${job.job.folds}`);
    else if (followerWaitMs > 0) args.push(`--follower-wait-ms=${followerWaitMs}`);
  } catch (err) {
    await finishJob(db, job.id, workerId, "failed", (err as Error).message);
    return "failed";
  }

  const progress: JobProgress = { stage: "starting", progressEpoch: 0, progressBatch: 0, etaMs: null };
  const finishedEpochMs: number[] = [];
  let runId: number | null = null;
  let endError: string | undefined;
  let lastWrite = 0;
  let cancelRequested = false;
  let lostJob = false;
  let signalled = false;
  /** The projection follower, started when training reports its run. */
  // Assigned by the event handler: the cast keeps TypeScript from narrowing it to null here.
  let follower = null as RunningChild | null;
  // Progress writes run one after another in event order; the job's outcome is recorded after the last of them.
  let writes: Promise<void> = Promise.resolve();
  /** Marks the run unfollowed once the follower has exited (or was never started), so training stops waiting. */
  let detached: Promise<void> = Promise.resolve();

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
        follower ??= startFollower(runId, ctx, tag, signalled);
        if (followerWaitMs > 0) {
          const id = runId;
          // A follower that crashed or was killed cannot detach itself; without this the trainer would wait it out.
          detached = (follower?.exit ?? Promise.resolve())
            .then(() => detachFollower(db, id))
            .catch((err: unknown) => log(`${tag}: run ${id} not marked unfollowed: ${(err as Error).message}`));
        }
        break;
      case "batch": {
        const epoch = e.epoch as number;
        progress.progressEpoch = epoch - 1;
        progress.progressBatch = e.batch as number;
        progress.etaMs = estimateRemainingMs({
          // Cross-validation numbers its epochs across folds (scripts/crossval.ts).
          epochs: job.config.epochs * (job.job.kind === "crossval" ? job.job.folds : 1),
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
        finishedEpochMs.push(
          (e.durationMs as number) + (e.evalMs as number) + (e.recordMs as number) + Number(e.followerWaitMs ?? 0),
        );
        progress.progressEpoch = e.epoch as number;
        progress.progressBatch = 0;
        progress.etaMs = e.etaMs as number;
        log(`${tag}: epoch ${e.epoch}/${e.epochs} val_accuracy ${(e.valAccuracy as number).toFixed(4)}`);
        write(true);
        break;
      case "follower-wait":
        log(`${tag}: ${formatFollowerWait(e as Extract<TrainEvent, { type: "follower-wait" }>)}`);
        break;
      case "end":
        if (typeof e.error === "string") endError = e.error;
        break;
      case "crossval-start":
        progress.stage = "training";
        write(true);
        break;
      case "fold":
        log(`${tag}: fold ${e.fold}/${e.folds} held-out accuracy ${(e.accuracy as number).toFixed(4)}`);
        break;
    }
  };

  const script = job.job.kind === "crossval" ? "scripts/crossval.ts" : "scripts/train.ts";
  const train = startChild(tsxCommand(script, args), ctx.env, onEvent, (line, stream) =>
    log(`${tag} ${stream}: ${line}`),
  );
  log(`${tag}: claimed by ${workerId} (attempt ${job.attempts}), training in child pid ${train.child.pid}`);

  const stopChild = (why: string) => {
    if (signalled) return;
    signalled = true;
    if (isRunning(train)) {
      log(`${tag}: ${why}: SIGTERM to pid ${train.child.pid} (it stops after the current batch)`);
      train.child.kill("SIGTERM");
    }
    if (follower && isRunning(follower)) {
      // The follower stops between layouts, or inside a t-SNE; what it stored stays.
      log(`${tag}: ${why}: SIGTERM to the projection follower, pid ${follower.child.pid}`);
      follower.child.kill("SIGTERM");
    }
  };
  let beating = false;
  let lastBeatAt = Date.now();
  let fenced = false;
  const heartbeat = setInterval(() => {
    // Past half the stale threshold without a recorded beat (failing or still waiting), another worker may soon take
    // the job back: stop ours first, so the job never trains on two hosts at once.
    if (!fenced && Date.now() - lastBeatAt > fenceMs) {
      fenced = true;
      stopChild(`no heartbeat recorded for over ${Math.round(fenceMs / 1000)} s (the database is unreachable)`);
    }
    // A beat still waiting for the database is not doubled by the next tick.
    if (beating) return;
    beating = true;
    heartbeatJob(db, job.id, workerId)
      .then((beat) => {
        lastBeatAt = Date.now();
        if (beat === null) {
          lostJob = true;
          stopChild("the job is no longer this worker's (taken back as stale?)");
        } else if (beat.cancelRequested) {
          cancelRequested = true;
          stopChild("cancel requested");
        }
      })
      .catch((err: unknown) => log(`${tag}: heartbeat not recorded: ${lastLine(err)}`))
      .finally(() => {
        beating = false;
      });
  }, ctx.heartbeatMs ?? 1000);
  const onShutdown = () => stopChild("worker stopping");
  const onKill = () => {
    log(`${tag}: worker stopping at once: SIGKILL to pid ${train.child.pid}`);
    train.child.kill("SIGKILL");
    follower?.child.kill("SIGKILL");
  };
  if (ctx.signal.aborted) onShutdown();
  ctx.signal.addEventListener("abort", onShutdown, { once: true });
  ctx.killSignal?.addEventListener("abort", onKill, { once: true });

  const exit: ChildExit = await train.exit;
  try {
    if (exit.code === 0 && job.job.kind === "crossval") {
      // Cross-validation stores one result and has no run to project.
      clearInterval(heartbeat);
      await record("succeeded", null);
      return outcome;
    }
    if (exit.code === 0 && runId !== null) {
      // What the follower has left once training ends: the last epoch, the final test views, the UMAP layouts.
      const note = await awaitFollower(follower, runId, ctx, tag, () => {
        progress.stage = "projecting";
        progress.etaMs = null;
        write(true);
      });
      clearInterval(heartbeat);
      const cancelNote = cancelRequested
        ? `cancelled by the admin while projecting; \`npm run project -- --run ${runId}\` computes the rest`
        : null;
      await record("succeeded", cancelNote ?? note);
      return outcome;
    }
    if (follower) {
      // Training did not succeed: the follower stops too; the figures of finished epochs stay.
      follower.child.kill("SIGTERM");
      const stopped = await follower.exit;
      log(`${tag}: projection follower pid ${follower.child.pid} stopped (exit ${stopped.code ?? stopped.signal})`);
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
        job.job.kind === "crossval"
          ? "cancelled by the admin: cross-validation stores its probabilities only after the last fold, so nothing was kept"
          : done === 0
            ? "cancelled by the admin before the first epoch finished"
            : `cancelled by the admin after ${done} finished epoch${done === 1 ? "" : "s"}, which are kept`,
      );
    } else if (exit.code === EXIT_CANCELLED || (signalled && !cancelRequested)) {
      await record(
        "failed",
        `interrupted: ${lostJob ? "the job was taken from this worker" : fenced ? "this worker lost the database" : "the worker was stopped"} before training finished; retry it`,
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
    ctx.signal.removeEventListener("abort", onShutdown);
    ctx.killSignal?.removeEventListener("abort", onKill);
  }
  return outcome;

  async function record(status: "succeeded" | "failed" | "cancelled", error: string | null) {
    await writes;
    await detached;
    if (status !== "succeeded") {
      const orphan = await failOrphanedRun(db, job.id, error ?? status);
      if (orphan !== null) log(`${tag}: run ${orphan} marked failed (its process ended without closing it)`);
    }
    const recorded = await finishJob(db, job.id, workerId, status, error);
    outcome = recorded ? status : "lost";
    log(
      `${tag}: ${status}${error ? ` (${error})` : ""}${recorded ? "" : " — not recorded: the job was no longer this worker's"}`,
    );
  }
}

function isRunning({ child }: RunningChild): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** The follower's flags for a run: what the worker's skips leave it to do. */
function followFlags(runId: number, ctx: JobContext): string[] {
  return [
    `--run=${runId}`,
    "--follow",
    ...(ctx.skipPairs ? ["--no-pairs"] : []),
    ...(ctx.skipProjections ? ["--no-layouts"] : []),
  ];
}

/** `scripts/project.ts` with the follower's flags, when present in this checkout. */
function defaultFollowCommand(_runId: number, flags: string[]): string[] | null {
  const script = path.join("scripts", "project.ts");
  return existsSync(path.join(REPO_ROOT, script)) ? tsxCommand(script, flags) : null;
}

/**
 * Starts the projection follower of `runId` in a child process (t-SNE is CPU-bound and would starve the heartbeat;
 * it runs one thread while training has the other core). Returns null when both its parts are skipped or there is no
 * script. `stopped`: the job is already being stopped, so the follower is not started.
 */
function startFollower(runId: number, ctx: JobContext, tag: string, stopped: boolean): RunningChild | null {
  if (ctx.skipProjections && ctx.skipPairs) {
    ctx.log(`${tag}: projection follower skipped (--no-projections and --no-pairs)`);
    return null;
  }
  if (stopped) return null;
  const command = (ctx.followCommand ?? defaultFollowCommand)(runId, followFlags(runId, ctx));
  if (!command) {
    ctx.log(`${tag}: no projection script (scripts/project.ts) in this checkout; layouts and pair figures not stored`);
    return null;
  }
  const child = startChild(
    command,
    ctx.env,
    () => {},
    (line, stream) => ctx.log(`${tag} project ${stream}: ${line}`),
  );
  ctx.log(`${tag}: projecting run ${runId} as it trains, in child pid ${child.child.pid}`);
  return child;
}

/**
 * Waits for the follower once training has succeeded, with the job in stage "projecting" (`onStart`) while it works.
 * Returns a note for the job when it could not complete, null when it did or there was none.
 */
async function awaitFollower(
  follower: RunningChild | null,
  runId: number,
  ctx: JobContext,
  tag: string,
  onStart: () => void,
): Promise<string | null> {
  if (!follower) return null;
  if (isRunning(follower)) {
    ctx.log(`${tag}: training done; the follower projects the final views and the UMAP layouts of run ${runId}`);
    onStart();
  }
  const exit = await follower.exit;
  if (exit.code === 0) return null;
  const last = exit.stderrTail.trim().split("\n").slice(-1)[0] ?? "";
  return `the run succeeded but its layouts and pair figures were not all stored (exit ${exit.code ?? exit.signal}): ${last}`.trim();
}

// The trainer's side of the live projection: before recording an epoch, wait (bounded) for the follower's figures of
// the previous one, so each epoch's layouts are shown before the next epoch's (issue #14's guarantee).
import "server-only";
import type { Db } from "../../db/client";
import { getFollowedEpoch } from "../../db/run-follow";

/**
 * The worker's default bound: covers a cold first epoch of the seed run (its 500-iteration t-SNE from PCA and its pair
 * figures arrived about 1 s after the next epoch was recorded, issue #14) with room for a loaded machine.
 */
export const DEFAULT_FOLLOWER_WAIT_MS = 5000;
/** Longest wait the trainer accepts: a run silent this long is still far from stale (STALE_RUN_MS is 120 s). */
export const MAX_FOLLOWER_WAIT_MS = 60_000;
/** Between looks at the follower's progress: one indexed read of the Run row. */
const FOLLOWER_POLL_MS = 20;

/**
 * How a wait ended: the figures were stored ("ready"), the timeout passed ("timeout"), no follower is attached any
 * more ("detached"), or the training was stopped ("stopped").
 */
export type FollowerWaitOutcome = "ready" | "timeout" | "detached" | "stopped";

export interface FollowerWait {
  outcome: FollowerWaitOutcome;
  /** Milliseconds spent waiting; 0 when the figures were already stored at the first look. */
  waitedMs: number;
}

/**
 * Waits until the follower of `runId` has stored epoch `epoch`'s figures, at most `timeoutMs` (0 = do not wait:
 * "ready" at once). Looks every 20 ms; returns at once when no follower is attached or `signal` aborts.
 */
export async function waitForFollower(
  db: Db,
  runId: number,
  epoch: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<FollowerWait> {
  checkFollowerWaitMs(timeoutMs);
  if (timeoutMs === 0) return { outcome: "ready", waitedMs: 0 };
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  for (let look = 0; ; look++) {
    const followed = await getFollowedEpoch(db, runId);
    // Ready at the first look costs nothing: the follower kept up with training.
    const waitedMs = look === 0 ? 0 : elapsed();
    if (followed === null) return { outcome: "detached", waitedMs };
    if (followed >= epoch) return { outcome: "ready", waitedMs };
    if (signal?.aborted) return { outcome: "stopped", waitedMs };
    if (elapsed() >= timeoutMs) return { outcome: "timeout", waitedMs: elapsed() };
    await sleep(Math.min(FOLLOWER_POLL_MS, timeoutMs - elapsed()), signal);
  }
}

/** The wait's bound, validated where it enters (flags, options): an integer of ms in 0..MAX_FOLLOWER_WAIT_MS. */
export function checkFollowerWaitMs(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_FOLLOWER_WAIT_MS)
    throw new RangeError(`followerWaitMs must be an integer from 0 to ${MAX_FOLLOWER_WAIT_MS} (got ${value})`);
  return value;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}

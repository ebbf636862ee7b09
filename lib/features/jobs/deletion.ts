// The admin's deletions: a run or a finished job (with each other: a job's only product is its run). A queued job is
// cancelled and deleted at once; a running one is asked to stop, and deleted once its worker has recorded it
// stopped. Freed pages go back to the filesystem in bounded steps after the answer (reclaimInSteps), never in it.
import "server-only";
import type { Db } from "../../db/client";
import { deleteJob, deleteRun, reclaimFreePages, type Deletion } from "../../db/deletion";
import { cancelJob } from "../../db/jobs";

export type DeletionTarget = { runId: number } | { jobId: number };

export type DeletionRequest = Deletion | { outcome: "cancelling"; jobId: number };

function deleteTarget(db: Db, target: DeletionTarget): Promise<Deletion> {
  return "runId" in target ? deleteRun(db, target.runId) : deleteJob(db, target.jobId);
}

/**
 * Deletes `target` now when nothing is running for it; a queued job is cancelled first; a running job is asked to
 * stop ("cancelling": call deleteWhenStopped, or ask again once it has).
 */
export async function requestDeletion(db: Db, target: DeletionTarget): Promise<DeletionRequest> {
  const first = await deleteTarget(db, target);
  if (first.outcome !== "job-active") return first;
  const cancel = await cancelJob(db, first.jobId);
  // Cancelled while queued, or it finished meanwhile: nothing runs any more, so delete now.
  if (cancel === "cancelled" || cancel === "finished") {
    const second = await deleteTarget(db, target);
    return second.outcome === "job-active" ? { outcome: "cancelling", jobId: first.jobId } : second;
  }
  if (cancel === "not-found") return deleteTarget(db, target);
  return { outcome: "cancelling", jobId: first.jobId };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits for a cancelled job to stop (its worker stops after the current batch, or marks it failed when it died), then
 * deletes `target`. Gives up after `timeoutMs` (default 10 min), returning the last outcome ("job-active").
 */
export async function deleteWhenStopped(
  db: Db,
  target: DeletionTarget,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<Deletion> {
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  for (;;) {
    const outcome = await deleteTarget(db, target);
    if (outcome.outcome !== "job-active" || Date.now() > deadline) return outcome;
    await sleep(options.pollMs ?? 1000);
  }
}

const globalForReclaim = globalThis as unknown as { mnistLensReclaiming?: Promise<number> };

/**
 * Returns the freelist's pages to the filesystem, `pagesPerStep` at a time (default 2,048: 8 MB at 4 KB pages, a write
 * lock of milliseconds) with `pauseMs` between steps (default 20) so training writes and page reads get their turn.
 * One loop per process: a call while one runs joins it. Resolves to the bytes returned.
 */
export function reclaimInSteps(db: Db, options: { pagesPerStep?: number; pauseMs?: number } = {}): Promise<number> {
  globalForReclaim.mnistLensReclaiming ??= (async () => {
    let total = 0;
    try {
      for (;;) {
        const bytes = await reclaimFreePages(db, options.pagesPerStep ?? 2048);
        if (bytes === 0) return total;
        total += bytes;
        await sleep(options.pauseMs ?? 20);
      }
    } finally {
      globalForReclaim.mnistLensReclaiming = undefined;
    }
  })();
  return globalForReclaim.mnistLensReclaiming;
}

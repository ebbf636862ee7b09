// Claiming a job with valid parameters (the statements are lib/db/jobs.ts's).
import "server-only";
import type { Db } from "../../db/client";
import { claimQueuedJob, finishJob } from "../../db/jobs";
import { parseTrainConfig, type TrainConfig } from "../../core/train-config";
import { parseJobKind, type JobKind } from "../../core/job-params";

export interface ClaimedJob {
  id: number;
  config: TrainConfig;
  attempts: number;
  /** Training (every job before cross-validation existed) or cross-validation with its folds. */
  job: JobKind;
}

/**
 * Takes the oldest queued job with valid parameters for `workerId`, or null when the queue is empty. A job whose
 * stored parameters no longer parse (written by an older version) is failed with the reason, and the next one is taken.
 */
export async function claimNextJob(db: Db, workerId: string): Promise<ClaimedJob | null> {
  for (let row = await claimQueuedJob(db, workerId); row; row = await claimQueuedJob(db, workerId)) {
    try {
      const params: unknown = JSON.parse(row.params);
      const kind = parseJobKind(params);
      if (!kind.ok) throw new Error(kind.message);
      return { id: row.id, config: parseTrainConfig(params), attempts: row.attempts, job: kind.job };
    } catch (err) {
      await finishJob(db, row.id, workerId, "failed", `invalid job parameters: ${(err as Error).message}`);
    }
  }
  return null;
}

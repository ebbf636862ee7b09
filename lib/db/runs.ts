// Named queries about runs and epochs, for pages, scripts, the trainer and the job worker.
import "server-only";
import type { Db } from "./client";
import { sqlDate } from "./sql";

/** Runs still marked running whose heartbeat is older than this are dead (process killed, machine restarted). */
export const STALE_RUN_MS = 120_000;

/** Marks runs whose heartbeat stopped as failed; their finished epochs stay. Returns how many were marked. */
export async function failStaleRuns(db: Db, now = new Date(), staleAfterMs = STALE_RUN_MS): Promise<number> {
  const cutoff = new Date(now.getTime() - staleAfterMs);
  const result = await db.prisma.run.updateMany({
    where: { status: "running", OR: [{ progressAt: { lt: cutoff } }, { progressAt: null, createdAt: { lt: cutoff } }] },
    data: {
      status: "failed",
      finishedAt: now,
      error: `the training process stopped sending heartbeats (none for over ${staleAfterMs / 1000} s): it was killed or crashed`,
    },
  });
  return result.count;
}

/**
 * Marks the job's run failed if its training process died without saying so (SIGKILL, crash); finished
 * epochs stay. Returns the run id if one was marked.
 */
export async function failOrphanedRun(db: Db, jobId: number, error: string): Promise<number | null> {
  const row = await db.kysely
    .updateTable("Run")
    .set({ status: "failed", error, finishedAt: sqlDate() })
    .where("jobId", "=", jobId)
    .where("status", "=", "running")
    .returning("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function countActiveOrSucceededRuns(db: Db): Promise<number> {
  return db.prisma.run.count({ where: { status: { in: ["running", "succeeded"] } } });
}

export async function listRuns(db: Db) {
  return db.prisma.run.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      status: true,
      backend: true,
      architecture: true,
      paramCount: true,
      testAccuracy: true,
      bestEpoch: true,
      epochsPlanned: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      error: true,
      progressEpoch: true,
      progressBatch: true,
      batchesPerEpoch: true,
      progressAt: true,
      _count: { select: { epochs: true } },
    },
  });
}

export async function getRun(db: Db, id: number) {
  return db.prisma.run.findUnique({ where: { id }, omit: { probeIndices: true } });
}

export async function listEpochs(db: Db, runId: number) {
  return db.prisma.epoch.findMany({
    where: { runId },
    orderBy: { epoch: "asc" },
    omit: { probeProbs: true, trainLabelProbs: true, trainCorrect: true, valProbs: true },
  });
}

/** The newest succeeded run, as getRun returns it, or null. */
export async function getLatestSucceededRun(db: Db) {
  return db.prisma.run.findFirst({
    where: { status: "succeeded" },
    orderBy: { id: "desc" },
    omit: { probeIndices: true },
  });
}

/** Ids of every succeeded run, oldest first. */
export async function listSucceededRunIds(db: Db): Promise<number[]> {
  const runs = await db.prisma.run.findMany({
    where: { status: "succeeded" },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  return runs.map((r) => r.id);
}

/** The most recent epochs that took measurable time, newest first, with the sizes and config of their run. */
export async function listRecentEpochTimings(db: Db, limit: number) {
  return db.prisma.epoch.findMany({
    where: { durationMs: { gt: 0 } },
    orderBy: { id: "desc" },
    take: limit,
    select: {
      durationMs: true,
      evalMs: true,
      run: { select: { id: true, config: true, trainSize: true, valSize: true, testSize: true } },
    },
  });
}

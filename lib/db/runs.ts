// Named queries about runs and epochs (Prisma), for pages, scripts and the trainer.
import "server-only";
import type { Db } from "./client";

/** Runs still marked running whose heartbeat is older than this are dead (process killed, machine restarted). */
export const STALE_RUN_MS = 120_000;

/** Marks runs whose heartbeat stopped as failed; their finished epochs stay. Returns how many were marked. */
export async function failStaleRuns(db: Db, now = new Date(), staleAfterMs = STALE_RUN_MS): Promise<number> {
  const cutoff = new Date(now.getTime() - staleAfterMs);
  const result = await db.prisma.run.updateMany({
    where: { status: "running", OR: [{ progressAt: { lt: cutoff } }, { progressAt: null, createdAt: { lt: cutoff } }] },
    data: { status: "failed", finishedAt: now, error: `the training process stopped sending heartbeats (none for over ${staleAfterMs / 1000} s): it was killed or crashed` },
  });
  return result.count;
}

export async function countActiveOrSucceededRuns(db: Db): Promise<number> {
  return db.prisma.run.count({ where: { status: { in: ["running", "succeeded"] } } });
}

export async function listRuns(db: Db) {
  return db.prisma.run.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      id: true, name: true, status: true, backend: true, architecture: true, paramCount: true, testAccuracy: true,
      bestEpoch: true, epochsPlanned: true, createdAt: true, startedAt: true, finishedAt: true, error: true,
      progressEpoch: true, progressBatch: true, batchesPerEpoch: true, progressAt: true,
      _count: { select: { epochs: true } },
    },
  });
}

export async function getRun(db: Db, id: number) {
  return db.prisma.run.findUnique({ where: { id }, omit: { probeIndices: true } });
}

export async function listEpochs(db: Db, runId: number) {
  return db.prisma.epoch.findMany({ where: { runId }, orderBy: { epoch: "asc" }, omit: { probeProbs: true } });
}

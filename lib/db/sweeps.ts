// The Sweep table: a sweep and its jobs written in one transaction, the list of sweeps with their jobs' states,
// and one sweep's jobs with their runs' figures (the sweep page).
import "server-only";
import type { TrainConfig } from "../core/train-config";
import type { Db } from "./client";
import { sqlDate } from "./sql";
import { immediateTransaction } from "./transaction";

export interface NewSweep {
  name: string;
  /** The validated spec, stored as JSON. */
  spec: unknown;
  mode: "grid" | "random";
  queuedBy: string;
}

/** Inserts the sweep and one queued job per config (in order), all or none. */
export async function createSweep(
  db: Db,
  sweep: NewSweep,
  configs: readonly TrainConfig[],
): Promise<{ sweepId: number; jobIds: number[] }> {
  return immediateTransaction(db, async (tx) => {
    const now = sqlDate();
    const { id: sweepId } = await tx
      .insertInto("Sweep")
      .values({
        name: sweep.name,
        spec: JSON.stringify(sweep.spec),
        mode: sweep.mode,
        count: configs.length,
        queuedBy: sweep.queuedBy,
        createdAt: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const jobIds: number[] = [];
    for (const config of configs) {
      const row = await tx
        .insertInto("Job")
        .values({
          status: "queued",
          params: JSON.stringify(config),
          queuedBy: sweep.queuedBy,
          stage: "queued",
          createdAt: now,
          sweepId,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      jobIds.push(row.id);
    }
    return { sweepId, jobIds };
  });
}

export interface SweepRow {
  id: number;
  name: string;
  spec: string;
  mode: string;
  count: number;
  createdAt: string;
  queuedBy: string;
}

export async function getSweep(db: Db, sweepId: number): Promise<SweepRow | null> {
  const row = await db.kysely.selectFrom("Sweep").selectAll().where("id", "=", sweepId).executeTakeFirst();
  return row ?? null;
}

/** Every sweep, newest first, with how many of its jobs are in each status. */
export async function listSweeps(db: Db): Promise<Array<SweepRow & { statuses: Record<string, number> }>> {
  const [sweeps, counts] = await Promise.all([
    db.kysely.selectFrom("Sweep").selectAll().orderBy("id", "desc").execute(),
    db.kysely
      .selectFrom("Job")
      .select((eb) => ["sweepId", "status", eb.fn.countAll<number>().as("n")])
      .where("sweepId", "is not", null)
      .groupBy(["sweepId", "status"])
      .execute(),
  ]);
  return sweeps.map((s) => ({
    ...s,
    statuses: Object.fromEntries(counts.filter((c) => c.sweepId === s.id).map((c) => [c.status, Number(c.n)])),
  }));
}

/** A sweep's job with its run's figures (null before the run exists); dates as ISO text. */
export interface SweepJobRunRow {
  jobId: number;
  jobStatus: string;
  params: string;
  stage: string;
  progressEpoch: number;
  workerId: string | null;
  jobStartedAt: string | null;
  jobFinishedAt: string | null;
  runId: number | null;
  runStatus: string | null;
  epochsPlanned: number | null;
  bestEpoch: number | null;
  bestValLoss: number | null;
  testAccuracy: number | null;
  runStartedAt: string | null;
  runFinishedAt: string | null;
}

/** The sweep's jobs in queueing order, each with its run (Run.jobId) if it has started one. */
export async function listSweepJobRuns(db: Db, sweepId: number): Promise<SweepJobRunRow[]> {
  return db.kysely
    .selectFrom("Job")
    .leftJoin("Run", "Run.jobId", "Job.id")
    .select([
      "Job.id as jobId",
      "Job.status as jobStatus",
      "Job.params as params",
      "Job.stage as stage",
      "Job.progressEpoch as progressEpoch",
      "Job.workerId as workerId",
      "Job.startedAt as jobStartedAt",
      "Job.finishedAt as jobFinishedAt",
      "Run.id as runId",
      "Run.status as runStatus",
      "Run.epochsPlanned as epochsPlanned",
      "Run.bestEpoch as bestEpoch",
      "Run.bestValLoss as bestValLoss",
      "Run.testAccuracy as testAccuracy",
      "Run.startedAt as runStartedAt",
      "Run.finishedAt as runFinishedAt",
    ])
    .where("Job.sweepId", "=", sweepId)
    .orderBy("Job.id")
    .execute();
}

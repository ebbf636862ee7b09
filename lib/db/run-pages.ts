// Named reads for the run pages (header, overview, confusion, pair pages' run list): small rows through Prisma, blobs omitted.
import "server-only";
import type { Db } from "./client";

/** The run's identity and status for the header of every run page, or null when there is no such run. */
export async function getRunHeader(db: Db, id: number) {
  return db.prisma.run.findUnique({
    where: { id },
    select: {
      id: true,
      name: true,
      status: true,
      error: true,
      architecture: true,
      backend: true,
      epochsPlanned: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      testSize: true,
      _count: { select: { epochs: true } },
    },
  });
}

/** The run row without its blob and confusion columns (config and model summary as stored JSON), or null. */
export async function getRunWithoutBlobs(db: Db, id: number) {
  return db.prisma.run.findUnique({ where: { id }, omit: { probeIndices: true, testConfusion: true } });
}

export interface RunEpochRow {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  testLoss: number | null;
  testAccuracy: number | null;
  durationMs: number;
  evalMs: number;
  recordMs: number;
  improved: boolean;
}

/** The run's epochs in order: losses, accuracies and timings, without confusion or probe blobs. */
export async function listEpochMetrics(db: Db, runId: number): Promise<RunEpochRow[]> {
  return db.prisma.epoch.findMany({
    where: { runId },
    orderBy: { epoch: "asc" },
    select: {
      epoch: true,
      loss: true,
      accuracy: true,
      valLoss: true,
      valAccuracy: true,
      testLoss: true,
      testAccuracy: true,
      durationMs: true,
      evalMs: true,
      recordMs: true,
      improved: true,
    },
  });
}

/** The restored checkpoint's test confusion as stored JSON (null until the run finishes), its epoch and the test size; null for an unknown run. */
export async function getRunConfusion(db: Db, id: number) {
  return db.prisma.run.findUnique({ where: { id }, select: { testConfusion: true, bestEpoch: true, testSize: true } });
}

/** Each epoch's test confusion as stored JSON, in epoch order. */
export async function listEpochConfusions(db: Db, runId: number) {
  return db.prisma.epoch.findMany({
    where: { runId },
    orderBy: { epoch: "asc" },
    select: { epoch: true, confusion: true },
  });
}

/** Every succeeded run with a test confusion matrix (stored JSON), the most recently finished first. */
export async function listSucceededRunsWithConfusion(db: Db) {
  const rows = await db.prisma.run.findMany({
    where: { status: "succeeded", testConfusion: { not: null } },
    orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
    select: {
      id: true,
      name: true,
      finishedAt: true,
      testAccuracy: true,
      testSize: true,
      bestEpoch: true,
      epochsPlanned: true,
      architecture: true,
      testConfusion: true,
    },
  });
  return rows.flatMap(({ testConfusion, ...run }) => (testConfusion === null ? [] : [{ ...run, testConfusion }]));
}

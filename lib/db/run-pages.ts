// Named reads for the run pages (overview, confusion): small rows through Prisma, blobs omitted, JSON parsed.
import "server-only";
import { z } from "zod";
import type { Db } from "./client";
import { trainConfigSchema, type TrainConfig } from "../core/train-config";

const confusionSchema = z.array(z.number().int().min(0)).length(100);
const summarySchema = z.array(
  z.object({ name: z.string(), type: z.string(), outputShape: z.array(z.number()), params: z.number().int().min(0) }),
);

export type ModelSummary = z.infer<typeof summarySchema>;

/** A 10x10 row-major count matrix from its JSON column; throws naming the column when malformed. */
export function parseConfusion(json: string, what: string): number[] {
  const parsed = confusionSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`${what} is not a 10x10 count matrix: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The run's identity and status for the header of every run page, or null when there is no such run. */
export async function fetchRunHeader(db: Db, id: number) {
  return db.prisma.run.findUnique({
    where: { id },
    select: {
      id: true, name: true, status: true, error: true, architecture: true, backend: true, epochsPlanned: true,
      createdAt: true, startedAt: true, finishedAt: true, testSize: true, _count: { select: { epochs: true } },
    },
  });
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

/** Everything the overview page shows: the run row (no blobs), its epochs, parsed summary and config. */
export async function fetchRunOverview(db: Db, id: number) {
  const [run, epochs] = await Promise.all([
    db.prisma.run.findUnique({ where: { id }, omit: { probeIndices: true, testConfusion: true } }),
    db.prisma.epoch.findMany({
      where: { runId: id },
      orderBy: { epoch: "asc" },
      select: {
        epoch: true, loss: true, accuracy: true, valLoss: true, valAccuracy: true, testLoss: true, testAccuracy: true,
        durationMs: true, evalMs: true, recordMs: true, improved: true,
      },
    }),
  ]);
  if (!run) return null;
  const summary = summarySchema.safeParse(JSON.parse(run.modelSummary));
  const config = trainConfigSchema.safeParse(JSON.parse(run.config));
  return {
    run,
    epochs: epochs satisfies RunEpochRow[],
    summary: summary.success ? summary.data : [],
    config: config.success ? (config.data as TrainConfig) : null,
  };
}

export interface EpochConfusion {
  epoch: number;
  counts: number[];
}

export interface RunConfusions {
  /** The restored checkpoint's test matrix, null until the run finishes. */
  final: number[] | null;
  bestEpoch: number | null;
  testSize: number;
  epochs: EpochConfusion[];
}

/** The final test matrix and the test matrix after every epoch (rows = true label), or null for an unknown run. */
export async function fetchConfusions(db: Db, id: number): Promise<RunConfusions | null> {
  const [run, epochs] = await Promise.all([
    db.prisma.run.findUnique({ where: { id }, select: { testConfusion: true, bestEpoch: true, testSize: true } }),
    db.prisma.epoch.findMany({ where: { runId: id }, orderBy: { epoch: "asc" }, select: { epoch: true, confusion: true } }),
  ]);
  if (!run) return null;
  return {
    final: run.testConfusion ? parseConfusion(run.testConfusion, `run ${id} testConfusion`) : null,
    bestEpoch: run.bestEpoch,
    testSize: run.testSize,
    epochs: epochs.map((e) => ({ epoch: e.epoch, counts: parseConfusion(e.confusion, `run ${id} epoch ${e.epoch} confusion`) })),
  };
}

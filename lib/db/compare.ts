// Named reads for comparing runs: runs with their epoch curves, and one test digit's final prediction in every run.
import "server-only";
import type { Db } from "./client";
import { blobToFloat32 } from "./blobs";
import { NUM_CLASSES } from "../core/constants";

/** The runs with these ids (any order, unknown ids left out), without blobs, each with its epochs' curves in order. */
export async function listRunsWithEpochCurves(db: Db, ids: readonly number[]) {
  return db.prisma.run.findMany({
    where: { id: { in: [...ids] } },
    omit: { probeIndices: true, testConfusion: true, modelSummary: true },
    include: {
      epochs: {
        orderBy: { epoch: "asc" },
        select: {
          epoch: true,
          loss: true,
          accuracy: true,
          valLoss: true,
          valAccuracy: true,
          durationMs: true,
          evalMs: true,
          recordMs: true,
        },
      },
    },
  });
}

/** One run's final prediction of one test digit. */
export interface StoredDigitPrediction {
  runId: number;
  name: string;
  architecture: string;
  predicted: number;
  /** float32 [10] */
  probs: Float32Array;
}

/** Test digit `index`'s final prediction in every run that evaluated it, oldest run first (slices of the blobs, not whole ones). */
export async function listDigitPredictionsAcrossRuns(db: Db, index: number): Promise<StoredDigitPrediction[]> {
  const bytes = NUM_CLASSES * 4;
  const rows = await db.kysely
    .selectFrom("TestPredictions as tp")
    .innerJoin("Run as r", "r.id", "tp.runId")
    .select((eb) => [
      "r.id as runId",
      "r.name as name",
      "r.architecture as architecture",
      eb.fn<Buffer>("substr", ["tp.predicted", eb.val(index + 1), eb.val(1)]).as("label"),
      eb.fn<Buffer>("substr", ["tp.probs", eb.val(index * bytes + 1), eb.val(bytes)]).as("p"),
    ])
    .where("tp.count", ">", index)
    .orderBy("r.createdAt")
    .orderBy("r.id")
    .execute();
  return rows
    .filter((r) => r.label.byteLength === 1 && r.p.byteLength === bytes)
    .map((r) => ({
      runId: r.runId,
      name: r.name,
      architecture: r.architecture,
      predicted: r.label[0]!,
      probs: blobToFloat32(r.p),
    }));
}

// The run overview's and confusion page's data: stored rows with their JSON columns parsed into view models.
import "server-only";
import type { Db } from "../../db/client";
import { getRunConfusion, getRunWithoutBlobs, listEpochConfusions, listEpochMetrics } from "../../db/run-pages";
import { modelSummarySchema, parseConfusion } from "../../core/run-columns";
import { trainConfigSchema } from "../../core/train-config";

/** Everything the overview page shows: the run row (no blobs), its epochs, parsed summary and config. */
export async function fetchRunOverview(db: Db, id: number) {
  const [run, epochs] = await Promise.all([getRunWithoutBlobs(db, id), listEpochMetrics(db, id)]);
  if (!run) return null;
  const summary = modelSummarySchema.safeParse(JSON.parse(run.modelSummary));
  const config = trainConfigSchema.safeParse(JSON.parse(run.config));
  return {
    run,
    epochs,
    /** When these rows were read: the "now" a live run's elapsed time and ETA count from. */
    readAtMs: Date.now(),
    summary: summary.success ? summary.data : [],
    config: config.success ? config.data : null,
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
  const [run, epochs] = await Promise.all([getRunConfusion(db, id), listEpochConfusions(db, id)]);
  if (!run) return null;
  return {
    final: run.testConfusion ? parseConfusion(run.testConfusion, `run ${id} testConfusion`) : null,
    bestEpoch: run.bestEpoch,
    testSize: run.testSize,
    epochs: epochs.map((e) => ({
      epoch: e.epoch,
      counts: parseConfusion(e.confusion, `run ${id} epoch ${e.epoch} confusion`),
    })),
  };
}

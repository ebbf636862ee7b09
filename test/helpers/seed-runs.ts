// Two small finished runs in a test database, the first with stored layouts: enough for every page kind and blob
// route to answer with data (seconds of training on the wasm backend).
import type { Db } from "../../lib/db/client";
import { projectRun } from "../../lib/features/projection/project-run";
import { trainShortRun } from "./train";

export interface SeededRuns {
  /** Finished, with projections (the explorer draws). */
  runA: number;
  /** Finished, without projections. */
  runB: number;
}

export async function seedTwoRuns(db: Db): Promise<SeededRuns> {
  // probeSize 150: PCA of 100 probe digits' pixels gives NaN components on these 500 test digits (see pairs.test.ts).
  const common = { epochs: 1, trainSize: 1000, testSize: 500, probeSize: 150 };
  const { runId: runA } = await trainShortRun(db, { ...common, name: "seeded A", seed: 1 });
  const { runId: runB } = await trainShortRun(db, { ...common, name: "seeded B", seed: 2 });
  await projectRun(db, runA, { iterations: 60, warmIterations: 20, snapshots: [] });
  return { runA, runB };
}

// A new run's row from what the trainer knows: config, model summary, backend, split sizes (lib/db writes it).
import "server-only";
import type { Db } from "../../db/client";
import { insertRun } from "../../db/run-records";
import type { ModelSummaryRow } from "../../model/summary";
import { totalParams } from "../../model/summary";
import type { TrainConfig } from "../../core/train-config";

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface NewRun {
  config: TrainConfig;
  summary: ModelSummaryRow[];
  backend: { name: string; version: string };
  trainSize: number;
  valSize: number;
  testSize: number;
  batchesPerEpoch: number;
  probeIndices: Int32Array;
  jobId?: number;
}

/** Inserts the run, marked running. Returns its id. */
export async function createRunRecord(db: Db, run: NewRun): Promise<number> {
  return insertRun(db, {
    name: run.config.name,
    notes: run.config.notes,
    config: JSON.stringify(run.config),
    architecture: run.config.architecture.kind,
    paramCount: totalParams(run.summary),
    modelSummary: JSON.stringify(run.summary),
    backend: run.backend.name,
    backendVersion: run.backend.version,
    epochsPlanned: run.config.epochs,
    batchesPerEpoch: run.batchesPerEpoch,
    trainSize: run.trainSize,
    valSize: run.valSize,
    testSize: run.testSize,
    probeIndices: run.probeIndices,
    probeSeed: run.config.probeSeed,
    ...(run.jobId !== undefined ? { jobId: run.jobId } : {}),
  });
}

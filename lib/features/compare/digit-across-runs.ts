// One test digit's final prediction in every run that evaluated it, for the digit inspector.
import "server-only";
import type { Db } from "../../db/client";
import { listDigitPredictionsAcrossRuns } from "../../db/compare";

export interface DigitInRun {
  runId: number;
  name: string;
  architecture: string;
  predicted: number;
  /** Probability of the predicted class and of the true class. */
  confidence: number;
  trueProb: number;
}

/** A test digit's final prediction in every run that evaluated it, oldest run first. */
export async function fetchDigitAcrossRuns(db: Db, index: number, trueLabel: number): Promise<DigitInRun[]> {
  const rows = await listDigitPredictionsAcrossRuns(db, index);
  return rows.map((r) => ({
    runId: r.runId,
    name: r.name,
    architecture: r.architecture,
    predicted: r.predicted,
    confidence: r.probs[r.predicted]!,
    trueProb: r.probs[trueLabel]!,
  }));
}

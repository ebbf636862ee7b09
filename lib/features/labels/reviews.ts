// Recording an admin's label review, the reviewed accuracy of every finished run, and the reviews as CSV.
import "server-only";
import type { Db } from "../../db/client";
import {
  insertLabelReview,
  listLabelReviewHistory,
  listLatestLabelReviews,
  listRunsWithPredictions,
} from "../../db/labels";
import { getPredictedLabels } from "../../db/digits";
import { loadMnist } from "../../mnist/dataset";
import { toCsv } from "../../core/csv";
import type { ReviewInput } from "../../core/labels-view";
import { reviewedAccuracy, type DigitReview, type ReviewedAccuracy } from "../../numeric/labels/reviewed-accuracy";

/** Stores the review made by the admin session `sessionId`; returns its id. */
export async function recordReview(db: Db, input: ReviewInput, sessionId: string): Promise<number> {
  return insertLabelReview(db, {
    subset: input.subset,
    digitIndex: input.index,
    verdict: input.verdict,
    correctedLabel: input.verdict === "mislabelled" ? (input.correctedLabel ?? null) : null,
    sessionId,
  });
}

export interface RunReviewedAccuracy extends ReviewedAccuracy {
  runId: number;
  name: string;
  /** Test accuracy as the run stored it. */
  stored: number | null;
  count: number;
}

/** Each finished run's test accuracy as stored, recomputed, with the reviewed test digits corrected and excluded. */
export async function fetchReviewedAccuracies(db: Db): Promise<RunReviewedAccuracy[]> {
  const [runs, rows] = await Promise.all([listRunsWithPredictions(db), listLatestLabelReviews(db, "test")]);
  const reviews: DigitReview[] = rows.map((r) => ({
    index: r.digitIndex,
    verdict: r.verdict as DigitReview["verdict"],
    correctedLabel: r.correctedLabel,
  }));
  const labels = loadMnist().test.labels;
  const out: RunReviewedAccuracy[] = [];
  for (const run of runs) {
    const predicted = await getPredictedLabels(db, run.id);
    if (!predicted) continue;
    out.push({
      runId: run.id,
      name: run.name,
      stored: run.testAccuracy,
      count: run.count,
      ...reviewedAccuracy(predicted, labels, reviews),
    });
  }
  return out;
}

/** Every review, oldest first, as CSV: the admin session by its first 8 hex digits (as jobs name who queued them). */
export async function reviewsCsv(db: Db): Promise<string> {
  const rows = await listLabelReviewHistory(db);
  const labels = loadMnist();
  return toCsv(
    ["review_id", "created_at", "subset", "index", "given_label", "verdict", "corrected_label", "session"],
    rows.map((r) => [
      r.id,
      r.createdAt,
      r.subset,
      r.digitIndex,
      (r.subset === "train" ? labels.train.labels : labels.test.labels)[r.digitIndex] ?? null,
      r.verdict,
      r.correctedLabel,
      r.sessionId.slice(0, 8),
    ]),
  );
}

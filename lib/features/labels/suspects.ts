// The /labels page's data: a source's suspects ranked, filtered and paged, with each part's probabilities and the
// latest review of each digit shown.
import "server-only";
import type { Db } from "../../db/client";
import { listLatestLabelReviews, type LabelReviewRow } from "../../db/labels";
import { getTestPredictions } from "../../db/digits";
import { loadMnist } from "../../mnist/dataset";
import { NUM_CLASSES } from "../../core/constants";
import type { LabelsView, LabelSubset } from "../../core/labels-view";
import { rankSuspects, type Suspect } from "../../numeric/labels/suspects";
import { loadLabelSource } from "./sources";

export interface SuspectItem extends Suspect {
  /** Each source part's probabilities of this digit (10 each), in the order of `parts`. */
  partProbs: number[][];
  review: { verdict: string; correctedLabel: number | null } | null;
}

export interface SuspectsPage {
  subset: LabelSubset;
  description: string;
  parts: Array<{ name: string; runId: number | null }>;
  digits: number;
  /** All suspects of the source, and those left by the class filters. */
  total: number;
  matching: number;
  page: number;
  pages: number;
  items: SuspectItem[];
  /** [k] per-class thresholds. */
  thresholds: number[];
}

export function reviewOf(row: LabelReviewRow | undefined): SuspectItem["review"] {
  return row ? { verdict: row.verdict, correctedLabel: row.correctedLabel } : null;
}

/** The view's page of suspects, or the reason there is none. */
export async function fetchSuspectsPage(
  db: Db,
  view: LabelsView,
  pageSize: number,
): Promise<SuspectsPage | { missing: string }> {
  const source = await loadLabelSource(db, view.source);
  if ("missing" in source) return source;
  const ranked = rankSuspects({ probs: source.probs, labels: source.labels }, view.ranking);
  const matching = ranked.suspects.filter(
    (s) =>
      (view.given === null || s.given === view.given) && (view.suggested === null || s.suggested === view.suggested),
  );
  const pages = Math.max(1, Math.ceil(matching.length / pageSize));
  const page = Math.min(view.page, pages);
  const reviews = new Map((await listLatestLabelReviews(db, source.subset)).map((r) => [r.digitIndex, r]));
  const items = matching.slice((page - 1) * pageSize, page * pageSize).map((s) => ({
    ...s,
    partProbs: source.parts.map((p) =>
      Array.from(p.probs.subarray(s.index * NUM_CLASSES, (s.index + 1) * NUM_CLASSES)),
    ),
    review: reviewOf(reviews.get(s.index)),
  }));
  return {
    subset: source.subset,
    description: source.description,
    parts: source.parts.map(({ name, runId }) => ({ name, runId })),
    digits: source.labels.length,
    total: ranked.suspects.length,
    matching: matching.length,
    page,
    pages,
    items,
    thresholds: Array.from(ranked.thresholds),
  };
}

/** A run's own suspects on the test set (its restored checkpoint's probabilities): digit index → suggested label. */
export async function fetchRunSuspectMap(db: Db, runId: number): Promise<Map<number, number>> {
  const predictions = await getTestPredictions(db, runId);
  if (!predictions) return new Map();
  const labels = loadMnist().test.labels.subarray(0, predictions.count);
  const ranked = rankSuspects({ probs: predictions.probs, labels }, "self-confidence");
  return new Map(ranked.suspects.map((s) => [s.index, s.suggested]));
}

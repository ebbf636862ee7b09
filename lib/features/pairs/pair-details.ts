// Named reads for the pair pages: which run, the 45-pair ranking, per-epoch counts, galleries and mean images (cached).
import "server-only";
import type { Db } from "../../db/client";
import { getTestPredictions } from "../../db/digits";
import { getRunHeader, listEpochConfusions, listSucceededRunsWithConfusion } from "../../db/run-pages";
import { loadMnist } from "../../mnist/dataset";
import { cachedPair, forgetPair, pairKey } from "./pair-cache";
import { errorItems } from "../digits/errors";
import { gatherTestPixels } from "../digits/pixels";
import { closestToOther, meanImage, rankPairs, type PairCount } from "../../numeric/metrics/pairs";
import { selectErrors } from "../../chart/gallery";
import type { RunChoice } from "../../chart/pair-view";
import { parseConfusion } from "../../core/run-columns";
import { IMAGE_PIXELS, NUM_CLASSES } from "../../core/constants";

/** A succeeded run as the pair pages list it. */
export interface PairRun {
  id: number;
  name: string;
  finishedAt: Date | null;
  testAccuracy: number | null;
  testSize: number;
  bestEpoch: number | null;
  epochsPlanned: number;
  architecture: string;
  /** The restored checkpoint's 10×10 test confusion (rows = true label). */
  confusion: number[];
}

/** Every succeeded run with a test confusion matrix, the most recently finished first. */
export async function listPairRuns(db: Db): Promise<PairRun[]> {
  const rows = await listSucceededRunsWithConfusion(db);
  return rows.map(({ testConfusion, ...r }) => ({
    ...r,
    confusion: parseConfusion(testConfusion, `run ${r.id} testConfusion`),
  }));
}

export type ResolvedPairRun =
  | { kind: "not-found" }
  | { kind: "no-runs" }
  | { kind: "unfinished"; id: number; name: string; status: string; runs: PairRun[] }
  | { kind: "ok"; run: PairRun; runs: PairRun[] };

/** The run a pair page shows: the requested one, or the latest succeeded; an unknown or malformed id is not-found. */
export async function resolvePairRun(db: Db, choice: RunChoice): Promise<ResolvedPairRun> {
  if (choice.kind === "invalid") return { kind: "not-found" };
  const runs = await listPairRuns(db);
  if (choice.kind === "latest") return runs[0] ? { kind: "ok", run: runs[0], runs } : { kind: "no-runs" };
  const run = runs.find((r) => r.id === choice.id);
  if (run) return { kind: "ok", run, runs };
  const header = await getRunHeader(db, choice.id);
  return header
    ? { kind: "unfinished", id: header.id, name: header.name, status: header.status, runs }
    : { kind: "not-found" };
}

/** All 45 pairs of a run, most confused first, with each direction. */
export function rankRunPairs(run: PairRun): PairCount[] {
  return rankPairs(run.confusion);
}

/** One digit in a pair gallery; `slot` is its row in the pair's pixel binary. */
export interface PairDigit {
  index: number;
  trueLabel: number;
  predicted: number;
  /** Probability of the predicted class. */
  confidence: number;
  /** p(true class) − p(other class of the pair). */
  margin: number;
  slot: number;
}

export interface PairDetail {
  /** Test confusion both ways after every recorded epoch. */
  epochs: Array<{ epoch: number; aAsB: number; bAsA: number }>;
  /** The final model's mistakes each way, most confident first, at most GALLERY_LIMIT. */
  aAsB: PairDigit[];
  bAsA: PairDigit[];
  totalAAsB: number;
  totalBAsA: number;
  /** Digits of each class with the smallest margin over the other class. */
  closestA: PairDigit[];
  closestB: PairDigit[];
  /** Mean image of each class over the evaluated test digits, [784] in 0..1, and how many digits each averages. */
  meanA: number[];
  meanB: number[];
  countA: number;
  countB: number;
  evaluated: number;
  /** Test indices in slot order: the rows of the pair's pixel binary. */
  pixelIndices: number[];
}

/** Most confident mistakes shown per direction; the errors gallery lists every one. */
export const GALLERY_LIMIT = 60;
/** Digits per class in the closest-to-the-other-class gallery. */
export const CLOSEST_LIMIT = 24;

async function computePairDetail(db: Db, runId: number, a: number, b: number): Promise<PairDetail | null> {
  const [predictions, epochRows] = await Promise.all([getTestPredictions(db, runId), listEpochConfusions(db, runId)]);
  if (!predictions) return null;
  const { pixels, labels } = loadMnist().test;
  const { count: n, predicted, probs } = predictions;
  const evaluated = labels.subarray(0, n);

  const slots = new Map<number, number>();
  const digit = (index: number, other: number): PairDigit => {
    const t = labels[index]!;
    const p = predicted[index]!;
    if (!slots.has(index)) slots.set(index, slots.size);
    const prob = (c: number) => probs[index * NUM_CLASSES + c]!;
    return {
      index,
      trueLabel: t,
      predicted: p,
      confidence: prob(p),
      margin: prob(t) - prob(other),
      slot: slots.get(index)!,
    };
  };
  const errors = errorItems(predictions, labels);
  const mistakes = (t: number, p: number) =>
    selectErrors(errors, { trueLabel: t, predicted: p, sort: "confidence-desc" });
  const ab = mistakes(a, b);
  const ba = mistakes(b, a);

  const epochs = epochRows.map((e) => {
    const c = parseConfusion(e.confusion, `run ${runId} epoch ${e.epoch} confusion`);
    return { epoch: e.epoch, aAsB: c[a * NUM_CLASSES + b]!, bAsA: c[b * NUM_CLASSES + a]! };
  });
  const round = (m: Float32Array) => Array.from(m, (v) => Math.round(v * 10_000) / 10_000);
  const countOf = (c: number) => evaluated.reduce((sum, l) => sum + (l === c ? 1 : 0), 0);
  return {
    epochs,
    aAsB: ab.slice(0, GALLERY_LIMIT).map((e) => digit(e.index, b)),
    bAsA: ba.slice(0, GALLERY_LIMIT).map((e) => digit(e.index, a)),
    totalAAsB: ab.length,
    totalBAsA: ba.length,
    closestA: closestToOther(probs, evaluated, a, b, CLOSEST_LIMIT).map((c) => digit(c.index, b)),
    closestB: closestToOther(probs, evaluated, b, a, CLOSEST_LIMIT).map((c) => digit(c.index, a)),
    meanA: round(meanImage(pixels.subarray(0, n * IMAGE_PIXELS), evaluated, a)),
    meanB: round(meanImage(pixels.subarray(0, n * IMAGE_PIXELS), evaluated, b)),
    countA: countOf(a),
    countB: countOf(b),
    evaluated: n,
    pixelIndices: [...slots.keys()],
  };
}

/**
 * The pair's per-epoch counts, galleries and mean images for a finished run; null without final predictions.
 * Cached as a promise, so concurrent requests share one computation; a failed one is forgotten and retried.
 */
export function fetchPairDetail(
  db: Db,
  run: Pick<PairRun, "id" | "finishedAt">,
  a: number,
  b: number,
): Promise<PairDetail | null> {
  const key = pairKey("detail", run, a, b);
  return cachedPair(key, () => {
    const detail = computePairDetail(db, run.id, a, b);
    detail.catch(() => forgetPair(key));
    return detail;
  });
}

/** Pixels of the pair's gallery digits in slot order, uint8 [k, 784]; null without final predictions. */
export async function fetchPairPixels(
  db: Db,
  run: Pick<PairRun, "id" | "finishedAt">,
  a: number,
  b: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const detail = await fetchPairDetail(db, run, a, b);
  return detail && gatherTestPixels(detail.pixelIndices);
}

// Whether run B's test accuracy differs from run A's beyond chance: McNemar's test and a bootstrap interval on their
// paired final predictions.
import "server-only";
import type { Db } from "../../db/client";
import { getPredictedLabels } from "../../db/digits";
import { loadMnist } from "../../mnist/dataset";
import {
  bootstrapAccuracyDifference,
  correctness,
  countDiscordant,
  mcnemarTest,
  type AccuracyDifference,
  type McNemarResult,
} from "../../numeric/metrics/significance";

/** Resamples and seed of the page's interval: fixed, so the page shows the same interval on every load. */
export const BOOTSTRAP_RESAMPLES = 2000;
export const BOOTSTRAP_SEED = 20261202;

export type RunSignificance =
  | {
      kind: "paired";
      baseId: number;
      otherId: number;
      /** Test digits compared: the same first n of the test set in both runs. */
      n: number;
      accuracyBase: number;
      accuracyOther: number;
      mcnemar: McNemarResult;
      /** accuracy(other) − accuracy(base) with its 95 % interval. */
      interval: AccuracyDifference;
    }
  | { kind: "unpaired"; baseId: number; otherId: number; baseCount: number; otherCount: number };

/**
 * The test of each run in `otherIds` against `baseId` on their final test predictions. Runs evaluated on different
 * numbers of test digits are "unpaired": their accuracies are measured on different digits, so no paired test
 * applies. A run without final predictions yet is left out.
 */
export async function fetchRunSignificance(
  db: Db,
  baseId: number,
  otherIds: readonly number[],
): Promise<RunSignificance[]> {
  const labels = loadMnist().test.labels;
  const base = await getPredictedLabels(db, baseId);
  if (!base) return [];
  const correctBase = correctness(base, labels, base.length);
  const out: RunSignificance[] = [];
  for (const otherId of otherIds) {
    const other = await getPredictedLabels(db, otherId);
    if (!other) continue;
    if (other.length !== base.length || base.length === 0) {
      out.push({ kind: "unpaired", baseId, otherId, baseCount: base.length, otherCount: other.length });
      continue;
    }
    const correctOther = correctness(other, labels, other.length);
    const { n, b, c } = countDiscordant(correctBase, correctOther);
    const sum = (x: Uint8Array) => x.reduce((s, v) => s + v, 0);
    out.push({
      kind: "paired",
      baseId,
      otherId,
      n,
      accuracyBase: sum(correctBase) / n,
      accuracyOther: sum(correctOther) / n,
      mcnemar: mcnemarTest(b, c),
      interval: bootstrapAccuracyDifference(correctBase, correctOther, {
        resamples: BOOTSTRAP_RESAMPLES,
        seed: BOOTSTRAP_SEED,
      }),
    });
  }
  return out;
}

// A pair's margin distribution at every recorded epoch, from the probe set's stored per-epoch probabilities.
import "server-only";
import type { Db } from "../../db/client";
import { blobToFloat32 } from "../../db/blobs";
import { getRunSubsets } from "../../db/digits";
import { listProbeProbs } from "../../db/explorer";
import { loadMnist } from "../../mnist/dataset";
import { histogramMargins, marginsOf, medianMargin, selectPairRows } from "../../numeric/metrics/margins";
import { NUM_CLASSES } from "../../core/constants";

/** Bins over [−1, 1]: 0.05 wide, coarse enough for a few dozen probe digits per class. */
export const MARGIN_BINS = 40;

export interface EpochMargins {
  epoch: number;
  /** Probe digits per bin over [−1, 1], [MARGIN_BINS] each. */
  countsA: number[];
  countsB: number[];
  /** Median p(a) − p(b) of each class (null without digits of the class). */
  medianA: number | null;
  medianB: number | null;
  /** Digits on the wrong side of 0: a's with p(a) < p(b) and b's with p(b) < p(a). */
  wrongA: number;
  wrongB: number;
}

export interface PairMarginData {
  a: number;
  b: number;
  /** Probe digits labelled a and b. */
  countA: number;
  countB: number;
  bins: number;
  /** Recorded epochs in order; epochs whose stored probabilities have the wrong size are left out. */
  epochs: EpochMargins[];
}

/** The distribution of p(a) − p(b) over the run's probe digits labelled a or b after each epoch; null for an unknown run. */
export async function fetchPairMargins(db: Db, runId: number, a: number, b: number): Promise<PairMarginData | null> {
  const [subsets, stored] = await Promise.all([getRunSubsets(db, runId), listProbeProbs(db, runId)]);
  if (!subsets) return null;
  const probe = subsets.probeIndices ?? new Int32Array(0);
  const labels = loadMnist().test.labels;
  const { rows, isA } = selectPairRows(
    Array.from(probe, (i) => labels[i]!),
    a,
    b,
  );
  const countA = isA.reduce((s, v) => s + v, 0);
  const epochs = stored
    .filter((e) => e.probeProbs.byteLength === probe.length * NUM_CLASSES * 4 && probe.length > 0)
    .map((e): EpochMargins => {
      const margins = marginsOf(blobToFloat32(e.probeProbs), rows, a, b);
      const { countsA, countsB } = histogramMargins(margins, isA, MARGIN_BINS);
      let wrongA = 0;
      let wrongB = 0;
      margins.forEach((m, k) => {
        if (isA[k] && m < 0) wrongA++;
        else if (!isA[k] && m > 0) wrongB++;
      });
      return {
        epoch: e.epoch,
        countsA: Array.from(countsA),
        countsB: Array.from(countsB),
        medianA: medianMargin(margins, isA, true),
        medianB: medianMargin(margins, isA, false),
        wrongA,
        wrongB,
      };
    });
  return { a, b, countA, countB: rows.length - countA, bins: MARGIN_BINS, epochs };
}

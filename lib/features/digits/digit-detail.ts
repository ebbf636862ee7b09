// One test digit of a run for the digit inspector: pixels, label, final and per-epoch probabilities.
import "server-only";
import type { Db } from "../../db/client";
import { getFinalDigitPrediction, getRunSubsets, listProbeDigitProbs } from "../../db/digits";
import { loadMnist } from "../../mnist/dataset";
import { IMAGE_PIXELS } from "../../core/constants";

export interface DigitDetail {
  index: number;
  trueLabel: number;
  /** 784 pixel values 0..255, row-major. */
  pixels: number[];
  /** The restored checkpoint's prediction, once the run has finished. */
  final: { predicted: number; probs: number[] } | null;
  /** Position in the probe set and the probabilities after every recorded epoch, when the digit is a probe. */
  probe: { position: number; epochs: Array<{ epoch: number; probs: number[] }> } | null;
}

/** One test digit of a run: pixels, label, final and per-epoch probabilities; null when index >= the run's test size. */
export async function fetchDigit(db: Db, runId: number, testSize: number, index: number): Promise<DigitDetail | null> {
  if (index < 0 || index >= testSize) return null;
  const { pixels, labels } = loadMnist().test;
  const [final, subsets] = await Promise.all([getFinalDigitPrediction(db, runId, index), getRunSubsets(db, runId)]);
  const position = subsets?.probeIndices ? subsets.probeIndices.indexOf(index) : -1;
  const epochs = position >= 0 ? await listProbeDigitProbs(db, runId, position) : null;
  return {
    index,
    trueLabel: labels[index]!,
    pixels: Array.from(pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS)),
    final: final && { predicted: final.predicted, probs: Array.from(final.probs) },
    probe: epochs && { position, epochs: epochs.map((e) => ({ epoch: e.epoch, probs: Array.from(e.probs) })) },
  };
}

// Named reads for comparing runs: runs with epochs and config, per-digit flips and confusion difference, one digit in every run.
import "server-only";
import type { Db } from "./client";
import { blobToFloat32, blobToUint8 } from "./blobs";
import { loadMnist } from "./digits";
import { computeFlips, confusionDifference } from "../numeric/metrics/compare";
import { IMAGE_PIXELS, NUM_CLASSES } from "../core/constants";

/** Compared runs in the order asked, without blobs, config parsed; null when any id is unknown. */
export async function fetchCompareRuns(db: Db, ids: readonly number[]) {
  const rows = await db.prisma.run.findMany({
    where: { id: { in: [...ids] } },
    omit: { probeIndices: true, testConfusion: true, modelSummary: true },
    include: {
      epochs: { orderBy: { epoch: "asc" }, select: { epoch: true, loss: true, accuracy: true, valLoss: true, valAccuracy: true, durationMs: true, evalMs: true, recordMs: true } },
    },
  });
  if (rows.length !== ids.length) return null;
  return ids.map((id) => {
    const { config, ...run } = rows.find((r) => r.id === id)!;
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(config);
    } catch {
      // A malformed config shows as "—" in every row rather than failing the page.
    }
    return { ...run, config: parsed };
  });
}

export type CompareRun = NonNullable<Awaited<ReturnType<typeof fetchCompareRuns>>>[number];

interface Predictions {
  count: number;
  predicted: Uint8Array;
  probs: Float32Array;
}

function readPredictions(db: Db, runId: number): Predictions | null {
  const row = db.sqlite.prepare("SELECT count, predicted, probs FROM TestPredictions WHERE runId = ?").get(runId) as
    | { count: number; predicted: Buffer; probs: Buffer }
    | undefined;
  return row ? { count: row.count, predicted: blobToUint8(row.predicted), probs: blobToFloat32(row.probs) } : null;
}

/** A flipped digit for a gallery: the prediction and confidence are the run that got it wrong. */
export interface FlipDigit {
  index: number;
  trueLabel: number;
  predicted: number;
  confidence: number;
  slot: number;
}

export interface RunFlips {
  baseId: number;
  otherId: number;
  /** Test digits both runs evaluated (the first `compared` of the test set). */
  compared: number;
  /** Counts: base right and other wrong, and the reverse. */
  baseOnly: number;
  otherOnly: number;
  /** Galleries of both, the wrong run's most confident mistakes first, at most FLIP_LIMIT each. */
  baseOnlyDigits: FlipDigit[];
  otherOnlyDigits: FlipDigit[];
  /** Confusions over the compared digits (rows = true label) and other − base. */
  confusionBase: number[];
  confusionOther: number[];
  difference: number[];
}

/** Thumbnails per flip gallery; the counts cover every flip. */
export const FLIP_LIMIT = 60;

function confusionOf(predicted: Uint8Array, labels: Uint8Array, n: number): number[] {
  const c = new Array<number>(NUM_CLASSES * NUM_CLASSES).fill(0);
  for (let i = 0; i < n; i++) c[labels[i]! * NUM_CLASSES + predicted[i]!]!++;
  return c;
}

/**
 * Flips and the confusion difference of every run in `otherIds` against `baseId`, over the digits both evaluated,
 * with one slot numbering across all galleries (the rows of the flips' pixel binary, in `pixelIndices`).
 * A pair where either run has no final predictions yet is left out.
 */
export function fetchRunFlips(db: Db, baseId: number, otherIds: readonly number[]): { flips: RunFlips[]; pixelIndices: number[] } {
  const labels = loadMnist().test.labels;
  const base = readPredictions(db, baseId);
  const pixelIndices: number[] = [];
  const flips: RunFlips[] = [];
  if (!base) return { flips, pixelIndices };
  for (const otherId of otherIds) {
    const other = readPredictions(db, otherId);
    if (!other) continue;
    const n = Math.min(base.count, other.count);
    const { fixedByA, fixedByB } = computeFlips(base.predicted.subarray(0, n), other.predicted.subarray(0, n), labels.subarray(0, n));
    const gallery = (indices: Int32Array, wrong: Predictions): FlipDigit[] =>
      Array.from(indices, (index) => {
        const p = wrong.predicted[index]!;
        return { index, trueLabel: labels[index]!, predicted: p, confidence: wrong.probs[index * NUM_CLASSES + p]!, slot: 0 };
      })
        .sort((x, y) => y.confidence - x.confidence || x.index - y.index)
        .slice(0, FLIP_LIMIT)
        .map((d) => ({ ...d, slot: pixelIndices.push(d.index) - 1 }));
    const confusionBase = confusionOf(base.predicted, labels, n);
    const confusionOther = confusionOf(other.predicted, labels, n);
    flips.push({
      baseId, otherId, compared: n, baseOnly: fixedByA.length, otherOnly: fixedByB.length,
      baseOnlyDigits: gallery(fixedByA, other),
      otherOnlyDigits: gallery(fixedByB, base),
      confusionBase, confusionOther, difference: confusionDifference(confusionBase, confusionOther),
    });
  }
  return { flips, pixelIndices };
}

/** Pixels of the flip galleries' digits in slot order, uint8 [k, 784]. */
export function fetchFlipPixels(db: Db, baseId: number, otherIds: readonly number[]): Uint8Array<ArrayBuffer> {
  const { pixelIndices } = fetchRunFlips(db, baseId, otherIds);
  const { pixels } = loadMnist().test;
  const out = new Uint8Array(pixelIndices.length * IMAGE_PIXELS);
  pixelIndices.forEach((index, slot) => out.set(pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS), slot * IMAGE_PIXELS));
  return out;
}

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
export function fetchDigitAcrossRuns(db: Db, index: number, trueLabel: number): DigitInRun[] {
  const bytes = NUM_CLASSES * 4;
  const rows = db.sqlite
    .prepare(
      `SELECT r.id AS runId, r.name AS name, r.architecture AS architecture, substr(tp.predicted, ?, 1) AS label, substr(tp.probs, ?, ?) AS p
       FROM TestPredictions tp JOIN Run r ON r.id = tp.runId WHERE tp.count > ? ORDER BY r.createdAt, r.id`,
    )
    .all(index + 1, index * bytes + 1, bytes, index) as Array<{ runId: number; name: string; architecture: string; label: Buffer; p: Buffer }>;
  return rows
    .filter((r) => r.label.byteLength === 1 && r.p.byteLength === bytes)
    .map((r) => {
      const probs = blobToFloat32(r.p);
      const predicted = r.label[0]!;
      return { runId: r.runId, name: r.name, architecture: r.architecture, predicted, confidence: probs[predicted]!, trueProb: probs[trueLabel]! };
    });
}

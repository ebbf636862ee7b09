// Named reads of test digits and their predictions: blobs via raw better-sqlite3, pixels from the MNIST files.
import "server-only";
import type { Db } from "./client";
import { blobToFloat32, blobToInt32, blobToUint8 } from "./blobs";
import { loadMnist } from "../mnist/dataset";
import { IMAGE_PIXELS, NUM_CLASSES } from "../core/constants";
import type { ErrorItem } from "../chart/gallery";

const PROB_BYTES = NUM_CLASSES * 4;

/** The MNIST splits, re-exported so pages read digits through lib/db. */
export { loadMnist };

interface PredictionBlobs {
  count: number;
  predicted: Buffer;
  probs: Buffer;
  misclassified: Buffer;
}

/** How many test digits the restored checkpoint was evaluated on and got wrong, or null before the run finishes. */
export async function fetchPredictionCounts(db: Db, runId: number) {
  return db.prisma.testPredictions.findUnique({ where: { runId }, select: { count: true, misclassifiedCount: true } });
}

/** Every misclassified test digit of the run's final predictions, in ascending index order; null before the run finishes. */
export function fetchErrors(db: Db, runId: number, labels: Uint8Array = loadMnist().test.labels): ErrorItem[] | null {
  const row = db.sqlite
    .prepare("SELECT count, predicted, probs, misclassified FROM TestPredictions WHERE runId = ?")
    .get(runId) as PredictionBlobs | undefined;
  if (!row) return null;
  const predicted = blobToUint8(row.predicted);
  const probs = blobToFloat32(row.probs);
  const wrong = blobToInt32(row.misclassified);
  return Array.from(wrong, (index, slot) => {
    const p = predicted[index]!;
    const t = labels[index]!;
    return { index, trueLabel: t, predicted: p, confidence: probs[index * NUM_CLASSES + p]!, trueProb: probs[index * NUM_CLASSES + t]!, slot };
  });
}

/** Pixels of the misclassified digits in slot order: uint8 [k, 784]; null before the run finishes. */
export function fetchErrorPixels(db: Db, runId: number, pixels: Uint8Array = loadMnist().test.pixels): Uint8Array<ArrayBuffer> | null {
  const row = db.sqlite.prepare("SELECT misclassified FROM TestPredictions WHERE runId = ?").get(runId) as
    | { misclassified: Buffer }
    | undefined;
  if (!row) return null;
  const wrong = blobToInt32(row.misclassified);
  const out = new Uint8Array(wrong.length * IMAGE_PIXELS);
  wrong.forEach((index, slot) => out.set(pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS), slot * IMAGE_PIXELS));
  return out;
}

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
export function fetchDigit(db: Db, runId: number, testSize: number, index: number): DigitDetail | null {
  if (index < 0 || index >= testSize) return null;
  const { pixels, labels } = loadMnist().test;
  const finalRow = db.sqlite
    .prepare("SELECT count, substr(predicted, ?, 1) AS label, substr(probs, ?, ?) AS p FROM TestPredictions WHERE runId = ?")
    .get(index + 1, index * PROB_BYTES + 1, PROB_BYTES, runId) as { count: number; label: Buffer; p: Buffer } | undefined;
  const final =
    finalRow && index < finalRow.count ? { predicted: finalRow.label[0]!, probs: Array.from(blobToFloat32(finalRow.p)) } : null;

  const probeRow = db.sqlite.prepare("SELECT probeIndices FROM Run WHERE id = ?").get(runId) as { probeIndices: Buffer | null } | undefined;
  const position = probeRow?.probeIndices ? blobToInt32(probeRow.probeIndices).indexOf(index) : -1;
  let probe: DigitDetail["probe"] = null;
  if (position >= 0) {
    const rows = db.sqlite
      .prepare("SELECT epoch, substr(probeProbs, ?, ?) AS p FROM Epoch WHERE runId = ? AND probeProbs IS NOT NULL ORDER BY epoch")
      .all(position * PROB_BYTES + 1, PROB_BYTES, runId) as Array<{ epoch: number; p: Buffer }>;
    probe = { position, epochs: rows.filter((r) => r.p.byteLength === PROB_BYTES).map((r) => ({ epoch: r.epoch, probs: Array.from(blobToFloat32(r.p)) })) };
  }
  return {
    index,
    trueLabel: labels[index]!,
    pixels: Array.from(pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS)),
    final,
    probe,
  };
}

export interface DatasetSample {
  /** The first `count` training digits, uint8 [count, 784], base64 (a plain prop for a client canvas). */
  pixelsBase64: string;
  labels: number[];
  trainCounts: number[];
  testCounts: number[];
  trainTotal: number;
  testTotal: number;
}

function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (const l of labels) counts[l]!++;
  return counts;
}

/** The dataset card: the first training digits with labels (the seed's first figure) and per-class counts. */
export function fetchDatasetSample(count = 16): DatasetSample {
  const { train, test } = loadMnist();
  return {
    pixelsBase64: Buffer.from(train.pixels.subarray(0, count * IMAGE_PIXELS)).toString("base64"),
    labels: Array.from(train.labels.subarray(0, count)),
    trainCounts: classCounts(train.labels),
    testCounts: classCounts(test.labels),
    trainTotal: train.count,
    testTotal: test.count,
  };
}

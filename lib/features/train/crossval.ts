// k-fold cross-validation for out-of-sample probabilities of the training set: fold f's model trains on the other
// folds with the run's settings and predicts fold f, so every training digit gets one row from a model that never saw it.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import type { Db } from "../../db/client";
import { insertCrossvalResult } from "../../db/labels";
import { headOfSplit, loadMnist, type Mnist } from "../../mnist/dataset";
import { oneHot, scalePixels } from "../../mnist/encode";
import { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES } from "../../core/constants";
import { createModel, createProbeModel } from "../../model/create";
import { assertCanTrain, type BackendInfo } from "../../model/backend";
import { accuracy, predictedLabels } from "../../numeric/metrics/classification";
import { createRng, range, shuffleInPlace } from "../../numeric/random";
import type { TrainConfig } from "../../core/train-config";
import { createOptimizer, trainEpoch } from "./loop";
import { forwardPass } from "./forward";

export const MIN_FOLDS = 2;
export const MAX_FOLDS = 10;

export type CrossvalEvent =
  | { type: "crossval-start"; folds: number; trainSize: number; epochs: number }
  /** `epoch` counts across folds (fold 2's first epoch is epochs + 1), so a job's progress runs over folds × epochs. */
  | { type: "batch"; fold: number; epoch: number; batch: number; batches: number; loss: number; elapsedMs: number }
  | {
      type: "fold-epoch";
      fold: number;
      epoch: number;
      epochs: number;
      loss: number;
      accuracy: number;
      durationMs: number;
    }
  | { type: "fold"; fold: number; folds: number; heldOut: number; accuracy: number; durationMs: number }
  | { type: "crossval-end"; status: "succeeded" | "cancelled" | "failed"; resultId?: number; error?: string };

export interface CrossvalOptions {
  folds: number;
  backend: BackendInfo;
  signal?: AbortSignal;
  onEvent?: (event: CrossvalEvent) => void;
  jobId?: number;
  mnist?: Mnist;
}

/**
 * The fold of each of `n` digits: a seeded shuffle dealt round-robin, so folds differ in size by at most one and
 * mix the classes as the shuffle does. uint8 [n]
 */
export function assignFolds(n: number, folds: number, seed: number): Uint8Array {
  if (!Number.isInteger(folds) || folds < MIN_FOLDS || folds > MAX_FOLDS)
    throw new RangeError(`folds must be an integer from ${MIN_FOLDS} to ${MAX_FOLDS}, got ${folds}`);
  if (n < folds) throw new RangeError(`${n} digits cannot be split into ${folds} folds`);
  const order = range(n);
  shuffleInPlace(order, createRng(seed));
  const foldOf = new Uint8Array(n);
  order.forEach((digit, position) => (foldOf[digit] = position % folds));
  return foldOf;
}

function gather(pixels: Uint8Array, labels: Uint8Array, rows: Int32Array) {
  const x = new Uint8Array(rows.length * IMAGE_PIXELS);
  const y = new Uint8Array(rows.length);
  rows.forEach((row, k) => {
    x.set(pixels.subarray(row * IMAGE_PIXELS, (row + 1) * IMAGE_PIXELS), k * IMAGE_PIXELS);
    y[k] = labels[row]!;
  });
  return {
    x: tf.tensor3d(scalePixels(x), [rows.length, IMAGE_SIDE, IMAGE_SIDE]),
    y: tf.tensor2d(oneHot(y), [rows.length, NUM_CLASSES]),
  };
}

/**
 * Trains `folds` models on the first `config.trainSize` training digits (no validation split: each model trains on
 * every digit outside its fold for `config.epochs` epochs, and its last weights predict the fold) and stores the
 * out-of-fold probabilities [trainSize, 10] as one CrossvalResult. Stops between batches when `signal` aborts
 * (nothing is stored then).
 */
export async function runCrossval(
  db: Db,
  config: TrainConfig,
  options: CrossvalOptions,
): Promise<{ status: "succeeded" | "cancelled"; resultId?: number }> {
  const emit = options.onEvent ?? (() => {});
  const mnist = options.mnist ?? loadMnist();
  const split = headOfSplit(mnist.train, config.trainSize);
  const n = split.count;
  const foldOf = assignFolds(n, options.folds, config.seed);
  const probs = new Float32Array(n * NUM_CLASSES);
  const foldAccuracies: number[] = [];
  const started = performance.now();
  emit({ type: "crossval-start", folds: options.folds, trainSize: n, epochs: config.epochs });
  for (let fold = 0; fold < options.folds; fold++) {
    const foldStarted = performance.now();
    const inFold = range(n).filter((i) => foldOf[i] === fold);
    const outOfFold = range(n).filter((i) => foldOf[i] !== fold);
    const train = gather(split.pixels, split.labels, outOfFold);
    const held = gather(split.pixels, split.labels, inFold);
    const model = createModel(config.architecture, config.seed + fold);
    const optimizer = createOptimizer(config.optimizer);
    try {
      assertCanTrain(model);
      const rng = createRng(config.seed + fold);
      for (let epoch = 1; epoch <= config.epochs; epoch++) {
        const epochStarted = performance.now();
        const result = await trainEpoch(model, optimizer, train.x, train.y, {
          batchSize: config.batchSize,
          shuffle: config.shuffle,
          rng,
          shouldStop: () => options.signal?.aborted ?? false,
          onBatchEnd: (batch, batches, loss) =>
            emit({
              type: "batch",
              fold: fold + 1,
              epoch: fold * config.epochs + epoch,
              batch,
              batches,
              loss,
              elapsedMs: performance.now() - epochStarted,
            }),
        });
        if (result.stopped) {
          emit({ type: "crossval-end", status: "cancelled" });
          return { status: "cancelled" };
        }
        emit({
          type: "fold-epoch",
          fold: fold + 1,
          epoch,
          epochs: config.epochs,
          loss: result.loss,
          accuracy: result.accuracy,
          durationMs: performance.now() - epochStarted,
        });
      }
      const probe = createProbeModel(model);
      const pass = await forwardPass(probe.model, held.x, new Int32Array(0), { batchSize: 1000 });
      inFold.forEach((digit, k) =>
        probs.set(pass.probs.subarray(k * NUM_CLASSES, (k + 1) * NUM_CLASSES), digit * NUM_CLASSES),
      );
      const heldLabels = Uint8Array.from(inFold, (i) => split.labels[i]!);
      const foldAccuracy = accuracy(predictedLabels(pass.probs), heldLabels);
      foldAccuracies.push(foldAccuracy);
      emit({
        type: "fold",
        fold: fold + 1,
        folds: options.folds,
        heldOut: inFold.length,
        accuracy: foldAccuracy,
        durationMs: performance.now() - foldStarted,
      });
    } finally {
      model.dispose();
      optimizer.dispose();
      tf.dispose([train.x, train.y, held.x, held.y]);
    }
  }
  const resultId = await insertCrossvalResult(db, {
    folds: options.folds,
    settings: JSON.stringify({ ...config, trainSize: n }),
    trainSize: n,
    foldAccuracies,
    foldOf,
    probs,
    durationMs: performance.now() - started,
    ...(options.jobId !== undefined ? { jobId: options.jobId } : {}),
  });
  emit({ type: "crossval-end", status: "succeeded", resultId });
  return { status: "succeeded", resultId };
}

// Trains one run end to end: data, model, baseline, epochs with evaluation and recording, final test evaluation.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import type { Db } from "../../db/client";
import {
  insertEpochRecord,
  insertFinalRecord,
  markRunEnded,
  setRunBaseline,
  updateRunProgress,
} from "../../db/run-records";
import { loadMnist, headOfSplit, type Mnist } from "../../mnist/dataset";
import { oneHot, scalePixels } from "../../mnist/encode";
import { IMAGE_SIDE } from "../../core/constants";
import { selectProbeIndices } from "../../mnist/probe";
import { createModel, createProbeModel } from "../../model/create";
import { summarizeModel } from "../../model/summary";
import { assertCanTrain, type BackendInfo } from "../../model/backend";
import {
  accuracy,
  confusionMatrix,
  crossEntropy,
  misclassifiedIndices,
  predictedLabels,
} from "../../numeric/metrics/classification";
import { createRng, range } from "../../numeric/random";
import { splitSizes, type TrainConfig } from "../../core/train-config";
import { createOptimizer, trainEpoch } from "./loop";
import { forwardPass } from "./forward";
import { captureArtifacts, loadCheckpoint } from "./checkpoint";
import { createRunRecord, type RunStatus } from "./record";
import { isDiskFull } from "../../db/faults";
import { attachFollower } from "../../db/run-follow";
import { checkFollowerWaitMs, waitForFollower, type FollowerWaitOutcome } from "./follower-wait";

export type TrainEvent =
  | {
      type: "start";
      runId: number;
      trainSize: number;
      valSize: number;
      testSize: number;
      batchesPerEpoch: number;
      params: number;
    }
  | { type: "baseline"; loss: number; accuracy: number }
  | { type: "batch"; epoch: number; batch: number; batches: number; loss: number; elapsedMs: number }
  | {
      type: "epoch";
      epoch: number;
      epochs: number;
      loss: number;
      accuracy: number;
      valLoss: number;
      valAccuracy: number;
      improved: boolean;
      durationMs: number;
      evalMs: number;
      recordMs: number;
      /** Time spent reading back each batch's training dynamics (the batch pass's label probabilities), ms. */
      dynamicsMs?: number;
      /** Time spent waiting for the projection follower's figures of the previous epoch before recording this one, ms. */
      followerWaitMs?: number;
      etaMs: number;
    }
  /** Recording `epoch` waited for the follower's figures of epoch - 1 (sent only when it had to wait or gave up). */
  | { type: "follower-wait"; epoch: number; waitedMs: number; outcome: FollowerWaitOutcome }
  | { type: "final"; testLoss: number; testAccuracy: number; misclassified: number }
  | { type: "end"; status: RunStatus; error?: string };

export interface TrainOptions {
  backend: BackendInfo;
  /** Aborting stops training after the current batch and marks the run cancelled. */
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
  jobId?: number;
  /** Minimum interval between progress writes (the run's heartbeat), default 500 ms. */
  progressIntervalMs?: number;
  mnist?: Mnist;
  /**
   * A projection follower is started beside this training (the worker does): before recording epoch N ≥ 2, wait up
   * to this many ms for its figures of epoch N - 1, so every epoch's layouts are shown before the next epoch's. The
   * run is marked followed before it is announced. Default 0: no follower, no wait. Integer, 0..MAX_FOLLOWER_WAIT_MS.
   */
  followerWaitMs?: number;
}

const EVAL_BATCH = 1000;

/** Normalised tensors for a split: x [n, 28, 28] in 0..1 and y [n, 10] one-hot. */
function tensorsOf(pixels: Uint8Array, labels: Uint8Array): { x: tf.Tensor3D; y: tf.Tensor2D } {
  return {
    x: tf.tensor3d(scalePixels(pixels), [labels.length, IMAGE_SIDE, IMAGE_SIDE]),
    y: tf.tensor2d(oneHot(labels), [labels.length, 10]),
  };
}

/** Trains `config` and records it in `db`. Returns the run id and how it ended; never throws after the run row exists. */
export async function runTraining(
  db: Db,
  config: TrainConfig,
  options: TrainOptions,
): Promise<{ runId: number; status: RunStatus }> {
  const emit = options.onEvent ?? (() => {});
  const followerWaitMs = checkFollowerWaitMs(options.followerWaitMs ?? 0);
  const mnist = options.mnist ?? loadMnist();
  const subset = headOfSplit(mnist.train, config.trainSize);
  const sizes = splitSizes(config);
  const test = headOfSplit(mnist.test, config.testSize);
  const pixelsPerImage = IMAGE_SIDE * IMAGE_SIDE;

  const train = tensorsOf(
    subset.pixels.subarray(0, sizes.train * pixelsPerImage),
    subset.labels.subarray(0, sizes.train),
  );
  const val = tensorsOf(subset.pixels.subarray(sizes.train * pixelsPerImage), subset.labels.subarray(sizes.train));
  const xTest = tf.tensor3d(scalePixels(test.pixels), [test.count, IMAGE_SIDE, IMAGE_SIDE]);
  const model = createModel(config.architecture, config.seed);
  const probe = createProbeModel(model);
  const probeModel = probe.model;
  // The recorded layers' names: each conv block's pooled output, then the hidden Dense layers (lib/model/create.ts).
  const hiddenNames = probe.layers.map((l) => l.name);
  const summary = summarizeModel(model);
  const probeIndices = selectProbeIndices(test.labels, config.probeSize, config.probeSeed);
  const batchesPerEpoch = Math.ceil(sizes.train / config.batchSize);

  const runId = await createRunRecord(db, {
    config,
    summary,
    backend: options.backend,
    trainSize: sizes.train,
    valSize: sizes.val,
    testSize: test.count,
    batchesPerEpoch,
    probeIndices,
    ...(options.jobId !== undefined ? { jobId: options.jobId } : {}),
  });
  // Unattached (the write failed), the run is simply not waited on: the first wait finds no follower.
  if (followerWaitMs > 0) await attachFollower(db, runId).catch(() => {});
  emit({
    type: "start",
    runId,
    trainSize: sizes.train,
    valSize: sizes.val,
    testSize: test.count,
    batchesPerEpoch,
    params: model.countParams(),
  });

  const tensors: tf.Tensor[] = [train.x, train.y, val.x, val.y, xTest];
  let optimizer: tf.Optimizer | undefined;
  try {
    assertCanTrain(model);
    const baseline = await forwardPass(probeModel, xTest, new Int32Array(0), { batchSize: EVAL_BATCH });
    const baselineLoss = crossEntropy(baseline.probs, test.labels);
    const baselineAcc = accuracy(predictedLabels(baseline.probs), test.labels);
    await setRunBaseline(db, runId, baselineLoss, baselineAcc);
    emit({ type: "baseline", loss: baselineLoss, accuracy: baselineAcc });

    optimizer = createOptimizer(config.optimizer);
    const rng = createRng(config.seed);
    const progressInterval = options.progressIntervalMs ?? 500;
    let bestValLoss = Number.POSITIVE_INFINITY;
    const epochMs: number[] = [];
    let cancelled = false;

    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const started = performance.now();
      let lastProgress = 0;
      const dynamics = { labelProbs: new Float32Array(sizes.train), correct: new Uint8Array(sizes.train) };
      const result = await trainEpoch(model, optimizer, train.x, train.y, {
        batchSize: config.batchSize,
        shuffle: config.shuffle,
        rng,
        shouldStop: () => options.signal?.aborted ?? false,
        record: dynamics,
        onBatchEnd: async (batch, batches, loss) => {
          const now = performance.now();
          emit({ type: "batch", epoch, batch, batches, loss, elapsedMs: now - started });
          if (now - lastProgress >= progressInterval || batch === batches) {
            lastProgress = now;
            // Progress is for the pages only: a database locked past the busy timeout must not end the training
            // (the epoch's record, which matters, still fails loudly).
            await updateRunProgress(db, runId, epoch - 1, batch).catch(() => {});
          }
        },
      });
      if (result.stopped) {
        cancelled = true;
        break;
      }
      const trainedMs = performance.now() - started;

      const evalStart = performance.now();
      const valPass =
        sizes.val > 0 ? await forwardPass(probeModel, val.x, new Int32Array(0), { batchSize: EVAL_BATCH }) : undefined;
      const valLabels = subset.labels.subarray(sizes.train);
      // Without a validation split, the training figures stand in for validation (documented in the README).
      const valLoss = valPass ? crossEntropy(valPass.probs, valLabels) : result.loss;
      const valAccuracy = valPass ? accuracy(predictedLabels(valPass.probs), valLabels) : result.accuracy;
      const testPass = await forwardPass(probeModel, xTest, probeIndices, { batchSize: EVAL_BATCH });
      const testPredicted = predictedLabels(testPass.probs);
      const probeProbs = new Float32Array(probeIndices.length * 10);
      probeIndices.forEach((row, k) => probeProbs.set(testPass.probs.subarray(row * 10, row * 10 + 10), k * 10));
      const improved = valLoss < bestValLoss;
      if (improved) bestValLoss = valLoss;
      const weights = improved || config.keepEpochWeights ? await captureArtifacts(model) : undefined;
      const checkpoint = improved ? weights : undefined;
      const evalMs = performance.now() - evalStart;
      const wait =
        epoch > 1 && followerWaitMs > 0
          ? await waitForFollower(db, runId, epoch - 1, followerWaitMs, options.signal)
          : undefined;
      if (wait && (wait.waitedMs > 0 || wait.outcome === "timeout"))
        emit({ type: "follower-wait", epoch, waitedMs: wait.waitedMs, outcome: wait.outcome });

      const recordMs = await insertEpochRecord(db, runId, {
        epoch,
        loss: result.loss,
        accuracy: result.accuracy,
        valLoss,
        valAccuracy,
        testLoss: crossEntropy(testPass.probs, test.labels),
        testAccuracy: accuracy(testPredicted, test.labels),
        durationMs: trainedMs,
        evalMs,
        improved,
        confusion: confusionMatrix(test.labels, testPredicted),
        probeProbs,
        embeddings: testPass.hidden.map((data, i) => ({
          layerName: hiddenNames[i]!,
          width: testPass.widths[i]!,
          data,
        })),
        ...(checkpoint ? { checkpoint } : {}),
        dynamics: {
          trainLabelProbs: dynamics.labelProbs,
          trainCorrect: dynamics.correct,
          ...(valPass ? { valProbs: valPass.probs } : {}),
        },
        ...(weights && config.keepEpochWeights ? { epochWeights: weights } : {}),
      });
      epochMs.push(performance.now() - started);
      const meanMs = epochMs.reduce((a, b) => a + b, 0) / epochMs.length;
      emit({
        type: "epoch",
        epoch,
        epochs: config.epochs,
        loss: result.loss,
        accuracy: result.accuracy,
        valLoss,
        valAccuracy,
        improved,
        durationMs: trainedMs,
        evalMs,
        recordMs,
        dynamicsMs: result.recordMs,
        ...(wait ? { followerWaitMs: wait.waitedMs } : {}),
        etaMs: meanMs * (config.epochs - epoch),
      });
      if (options.signal?.aborted) {
        cancelled = epoch < config.epochs;
        if (cancelled) break;
      }
    }

    if (cancelled) {
      await markRunEnded(db, runId, "cancelled", "stopped by the user before the last epoch");
      emit({ type: "end", status: "cancelled" });
      return { runId, status: "cancelled" };
    }

    const best = await loadCheckpoint(db, runId, "best");
    const bestProbe = createProbeModel(best).model;
    const lastLayer = hiddenNames.length - 1;
    const finalPass = await forwardPass(bestProbe, xTest, range(test.count), {
      batchSize: EVAL_BATCH,
      keepLayers: [lastLayer],
    });
    best.dispose();
    const predicted = predictedLabels(finalPass.probs);
    const final = {
      testLoss: crossEntropy(finalPass.probs, test.labels),
      testAccuracy: accuracy(predicted, test.labels),
      confusion: confusionMatrix(test.labels, predicted),
      predicted,
      probs: finalPass.probs,
      misclassified: misclassifiedIndices(test.labels, predicted),
      lastHidden: {
        layerIndex: lastLayer,
        layerName: hiddenNames[lastLayer]!,
        width: finalPass.widths[lastLayer]!,
        data: finalPass.hidden[lastLayer]!,
      },
    };
    await insertFinalRecord(db, runId, final);
    emit({
      type: "final",
      testLoss: final.testLoss,
      testAccuracy: final.testAccuracy,
      misclassified: final.misclassified.length,
    });
    emit({ type: "end", status: "succeeded" });
    return { runId, status: "succeeded" };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const message = isDiskFull(err)
      ? `the disk is full: the database could not record the training (${detail}); the epochs recorded before it are kept`
      : detail;
    await markRunEnded(db, runId, "failed", message).catch(() => {});
    emit({ type: "end", status: "failed", error: message });
    return { runId, status: "failed" };
  } finally {
    model.dispose();
    optimizer?.dispose();
    tf.dispose(tensors);
  }
}

// One training epoch over in-memory tensors with a seeded shuffle, stoppable between batches.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { nextTurn } from "../../core/next-turn";
import { shuffleInPlace, range } from "../../numeric/random";
import { createRmspropOptimizer } from "../../model/wasm-kernels";

export interface EpochTrainResult {
  /** Mean training loss and accuracy over the batches seen (with dropout active, as Keras reports). */
  loss: number;
  accuracy: number;
  batches: number;
  samples: number;
  /** True when `shouldStop` ended the epoch early. */
  stopped: boolean;
  /** Milliseconds spent reading back and placing the recorded values (0 without `record`). */
  recordMs: number;
}

/**
 * Training dynamics filled during an epoch, indexed by the digit's row in `x` (not its shuffled position): what the
 * batch's own training forward pass (dropout active, the pass the loss is computed from) gave each digit, as Toneva
 * et al. record forgetting events.
 */
export interface EpochRecording {
  /** [n] probability of the given label. */
  labelProbs: Float32Array;
  /** [n] 1 where argmax == label. */
  correct: Uint8Array;
}

export interface EpochOptions {
  batchSize: number;
  shuffle: boolean;
  rng: () => number;
  /** Called after each batch with 1-based batch number. */
  onBatchEnd?: (batch: number, batches: number, loss: number) => void | Promise<void>;
  /** Checked after each batch: true stops at once (cancel, SIGINT). */
  shouldStop?: () => boolean;
  /** Filled for every digit the epoch visits; both arrays must have x's row count. */
  record?: EpochRecording;
}

/**
 * Trains `model` for one pass over `x` [n, 28, 28] / `y` [n, 10] (one-hot) with categorical cross-entropy.
 * Loss and accuracy are accumulated weighted by batch size.
 */
export async function trainEpoch(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  y: tf.Tensor,
  options: EpochOptions,
): Promise<EpochTrainResult> {
  const n = x.shape[0]!;
  const record = options.record;
  if (record && (record.labelProbs.length !== n || record.correct.length !== n))
    throw new RangeError(
      `record arrays have ${record.labelProbs.length} and ${record.correct.length} entries, expected ${n} (x's rows)`,
    );
  let recordMs = 0;
  const order = range(n);
  if (options.shuffle) shuffleInPlace(order, options.rng);
  const batches = Math.ceil(n / options.batchSize);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let lossSum = 0;
  let correctSum = 0;
  let samples = 0;
  for (let b = 0; b < batches; b++) {
    const rows = order.subarray(b * options.batchSize, Math.min(n, (b + 1) * options.batchSize));
    let correct: tf.Scalar | undefined;
    let rowProbs: tf.Tensor | undefined;
    let rowHits: tf.Tensor | undefined;
    const loss = tf.tidy(() => {
      const index = tf.tensor1d(rows, "int32");
      const xb = tf.gather(x, index);
      const yb = tf.gather(y, index);
      return optimizer.minimize(
        () => {
          const pred = model.apply(xb, { training: true }) as tf.Tensor;
          const hits = tf.equal(tf.argMax(pred, -1), tf.argMax(yb, -1));
          correct = tf.keep(hits.sum() as tf.Scalar);
          if (record) {
            // y is one-hot: the row sum of pred × y is the label's probability, the value the loss takes the log of.
            rowProbs = tf.keep(tf.sum(tf.mul(pred, yb), -1));
            rowHits = tf.keep(hits);
          }
          return tf.metrics.categoricalCrossentropy(yb, pred).mean() as tf.Scalar;
        },
        true,
        variables,
      ) as tf.Scalar;
    });
    const [lossValue] = await loss.data();
    const [correctValue] = await correct!.data();
    tf.dispose([loss, correct!]);
    if (rowProbs && rowHits && record) {
      const started = performance.now();
      const probs = (await rowProbs.data()) as Float32Array;
      const hits = (await rowHits.data()) as Uint8Array;
      for (let k = 0; k < rows.length; k++) {
        record.labelProbs[rows[k]!] = probs[k]!;
        record.correct[rows[k]!] = hits[k]!;
      }
      tf.dispose([rowProbs, rowHits]);
      recordMs += performance.now() - started;
    }
    lossSum += lossValue! * rows.length;
    correctSum += correctValue!;
    samples += rows.length;
    await options.onBatchEnd?.(b + 1, batches, lossValue!);
    await nextTurn();
    if (options.shouldStop?.()) {
      return {
        loss: lossSum / samples,
        accuracy: correctSum / samples,
        batches: b + 1,
        samples,
        stopped: true,
        recordMs,
      };
    }
  }
  return { loss: lossSum / samples, accuracy: correctSum / samples, batches, samples, stopped: false, recordMs };
}

/** The optimizer a config names, with Keras' defaults (RMSprop rho 0.9, epsilon 1e-7); RMSprop's update is fused on wasm. */
export function createOptimizer(config: {
  name: "rmsprop" | "adam" | "sgd";
  learningRate: number;
  rho: number;
  momentum: number;
}): tf.Optimizer {
  switch (config.name) {
    case "rmsprop":
      return createRmspropOptimizer(config.learningRate, config.rho, 0, 1e-7);
    case "adam":
      return tf.train.adam(config.learningRate, 0.9, 0.999, 1e-7);
    case "sgd":
      return tf.train.momentum(config.learningRate, config.momentum);
  }
}

// One training epoch over in-memory tensors with a seeded shuffle, stoppable between batches.
import "server-only";
import * as tf from "@tensorflow/tfjs";
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
}

export interface EpochOptions {
  batchSize: number;
  shuffle: boolean;
  rng: () => number;
  /** Called after each batch with 1-based batch number. */
  onBatchEnd?: (batch: number, batches: number, loss: number) => void | Promise<void>;
  /** Checked after each batch: true stops at once (cancel, SIGINT). */
  shouldStop?: () => boolean;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

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
    const loss = tf.tidy(() => {
      const index = tf.tensor1d(rows, "int32");
      const xb = tf.gather(x, index);
      const yb = tf.gather(y, index);
      return optimizer.minimize(
        () => {
          const pred = model.apply(xb, { training: true }) as tf.Tensor;
          correct = tf.keep(tf.equal(tf.argMax(pred, -1), tf.argMax(yb, -1)).sum() as tf.Scalar);
          return tf.metrics.categoricalCrossentropy(yb, pred).mean() as tf.Scalar;
        },
        true,
        variables,
      ) as tf.Scalar;
    });
    const [lossValue] = await loss.data();
    const [correctValue] = await correct!.data();
    tf.dispose([loss, correct!]);
    lossSum += lossValue! * rows.length;
    correctSum += correctValue!;
    samples += rows.length;
    await options.onBatchEnd?.(b + 1, batches, lossValue!);
    await yieldToEventLoop();
    if (options.shouldStop?.()) {
      return { loss: lossSum / samples, accuracy: correctSum / samples, batches: b + 1, samples, stopped: true };
    }
  }
  return { loss: lossSum / samples, accuracy: correctSum / samples, batches, samples, stopped: false };
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

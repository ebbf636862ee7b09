// Training the seed network with the fast kernels: one step against the cpu backend, two epochs against the stock accuracy.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { loadMnist, headOfSplit } from "../../../lib/mnist/dataset";
import { oneHot, scalePixels } from "../../../lib/mnist/encode";
import { IMAGE_SIDE, NUM_CLASSES } from "../../../lib/core/constants";
import { createModel } from "../../../lib/model/create";
import { createRmspropOptimizer } from "../../../lib/model/wasm-kernels";
import { createRng } from "../../../lib/numeric/random";
import { parseTrainConfig } from "../../../lib/core/train-config";
import { trainEpoch } from "../../../lib/features/train/loop";
import { maxAbsDiff, onBackend, startOnStockWasm } from "./backends";

const config = parseTrainConfig({});

// Each test chooses its kernels.
startOnStockWasm();

// Seeded dropout (one fixed mask per layer, see lib/model/create.ts) makes both runs draw the same masks;
// the fast kernels keep tfjs's dropout here ({ dropout: false }) so that only the kernels differ.
describe("one training step of the seed network", () => {
  it("gives the cpu backend's gradients and updated weights within float32 tolerance", async () => {
    const digits = headOfSplit(loadMnist().train, config.batchSize);
    const initial = await Promise.all(
      createModel(config.architecture, config.seed, { seededDropout: true })
        .getWeights()
        .map((w) => w.data() as Promise<Float32Array>),
    );
    const { learningRate, rho } = config.optimizer;
    const step = (fast: boolean) => async () => {
      const model = createModel(config.architecture, config.seed, { seededDropout: true });
      model.setWeights(model.weights.map((w, i) => tf.tensor(initial[i]!, w.shape as number[])));
      // The fast path's optimizer is the fused RMSprop; the reference is tfjs's own, on the cpu backend.
      const optimizer = fast ? createRmspropOptimizer(learningRate, rho) : tf.train.rmsprop(learningRate, rho, 0, 1e-7);
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const x = tf.tensor3d(scalePixels(digits.pixels), [digits.count, IMAGE_SIDE, IMAGE_SIDE]);
      const y = tf.tensor2d(oneHot(digits.labels), [digits.count, NUM_CLASSES]);
      const { value, grads } = optimizer.computeGradients(
        () =>
          tf.metrics.categoricalCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor).mean() as tf.Scalar,
        variables,
      );
      const gradients = await Promise.all(variables.map((v) => grads[v.name]!.data()));
      optimizer.applyGradients(grads);
      const weights = await Promise.all(model.getWeights().map((w) => w.data()));
      tf.dispose([value, x, y, ...Object.values(grads)]);
      model.dispose();
      optimizer.dispose();
      return { gradients, weights };
    };
    const cpu = await onBackend("cpu", false, step(false));
    const fast = await onBackend("wasm", true, step(true), { dropout: false });
    const gradientDiff = Math.max(...cpu.gradients.map((g, i) => maxAbsDiff(fast.gradients[i]!, g)));
    const weightDiff = Math.max(...cpu.weights.map((w, i) => maxAbsDiff(fast.weights[i]!, w)));
    // Measured with fma: 9.3e-9 and 1.5e-8 (XNNPACK gave 1.7e-8 and 2.3e-8). Gradients here are below ~1e-2,
    // where a float32 ulp is ~1e-9: 1e-7 allows ~100 ulps of summation-order and rounding difference
    // (gemm.ts vs the cpu backend's loops).
    expect(gradientDiff).toBeLessThan(1e-7);
    // RMSprop's first step moves a weight by lr·g/sqrt(0.1·g² + 1e-7), whose slope in g is at most
    // lr/sqrt(1e-7) ≈ 3.2, so the weights may differ by up to ~3.2 × the gradient tolerance.
    expect(weightDiff).toBeLessThan(5e-7);
  });
});

/**
 * Test accuracy of the seed network after 2 epochs on the first 10,000 training digits (seed 42, batch 128,
 * RMSprop, shuffled with createRng(42)), on all 10,000 test digits. STOCK_WASM_ACCURACY is that protocol run
 * with the stock wasm kernels and tf.train.rmsprop (tfjs 4.22, SIMD build): 0.9291. It takes 1.5-4 minutes, too slow for every test run;
 * FAST_MATMUL_LIVE_STOCK=1 recomputes it here instead of using the recorded value.
 */
const STOCK_WASM_ACCURACY = 0.9291;

async function trainTwoEpochsAndTest(fast: boolean, seededDropout = true): Promise<number> {
  const mnist = loadMnist();
  const train = headOfSplit(mnist.train, 10_000);
  const x = tf.tensor3d(scalePixels(train.pixels), [train.count, IMAGE_SIDE, IMAGE_SIDE]);
  const y = tf.tensor2d(oneHot(train.labels), [train.count, NUM_CLASSES]);
  const model = createModel(config.architecture, config.seed, { seededDropout });
  const { learningRate, rho } = config.optimizer;
  const optimizer = fast ? createRmspropOptimizer(learningRate, rho) : tf.train.rmsprop(learningRate, rho, 0, 1e-7);
  const rng = createRng(config.seed);
  for (let epoch = 0; epoch < 2; epoch++)
    await trainEpoch(model, optimizer, x, y, { batchSize: config.batchSize, shuffle: true, rng });
  const testX = tf.tensor3d(scalePixels(mnist.test.pixels), [mnist.test.count, IMAGE_SIDE, IMAGE_SIDE]);
  const predicted = tf.tidy(() => (model.predict(testX, { batchSize: 1000 }) as tf.Tensor).argMax(-1));
  const labels = await predicted.data();
  let correct = 0;
  for (let i = 0; i < mnist.test.count; i++) if (labels[i] === mnist.test.labels[i]) correct++;
  tf.dispose([x, y, testX, predicted]);
  model.dispose();
  optimizer.dispose();
  return correct / mnist.test.count;
}

describe("training with the fast kernels", () => {
  it("reaches the stock kernels' test accuracy within 1 point after 2 epochs on 10,000 digits", async () => {
    const live = process.env.FAST_MATMUL_LIVE_STOCK === "1";
    const stock = live ? await onBackend("wasm", false, () => trainTwoEpochsAndTest(false)) : STOCK_WASM_ACCURACY;
    const fast = await onBackend("wasm", true, () => trainTwoEpochsAndTest(true), { dropout: false });
    console.log(`2 epochs × 10,000 digits: test accuracy fast ${fast.toFixed(4)}, stock ${stock.toFixed(4)}`);
    expect(fast).toBeGreaterThan(0.9);
    expect(Math.abs(fast - stock)).toBeLessThanOrEqual(0.01);
  });

  it("trains the seed network with dropout.ts's per-batch masks", async () => {
    // Seeded layers: with dropout.ts a seeded layer draws a new mask every batch from its own stream, so this
    // run is the training path's maths and reproducible. Unseeded runs land 2-5 points apart after 2 short epochs
    // (0.888-0.940 measured, 0.904 with tfjs's own per-batch masks), too wide to compare two of them.
    // (dropout.test.ts checks that two layers with one seed draw the same masks.)
    const accuracy = await onBackend("wasm", true, () => trainTwoEpochsAndTest(true, true));
    console.log(`2 epochs × 10,000 digits with fast dropout (seeded streams): test accuracy ${accuracy.toFixed(4)}`);
    // Deterministic: 0.9183 here. A wrong keep probability or scale costs far more than the margin.
    expect(accuracy).toBeGreaterThan(0.9);
  });
});

// One training step of the CNN preset with the fast kernels against the cpu backend: the convolution and pooling
// gradients (conv2d.ts, conv2d-grad.ts, max-pool-grad.ts) inside a real model, at the preset's batch size.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { loadMnist, headOfSplit } from "../../../lib/mnist/dataset";
import { oneHot, scalePixels } from "../../../lib/mnist/encode";
import { IMAGE_SIDE, NUM_CLASSES } from "../../../lib/core/constants";
import { createModel } from "../../../lib/model/create";
import { parseTrainConfig } from "../../../lib/core/train-config";
import { maxAbsDiff, onBackend, startOnStockWasm } from "./backends";

const config = parseTrainConfig({ architecture: { kind: "cnn" } });
/**
 * Digits in the step: 32 by default, where the cpu backend's convolution gradients take ~20 s; CNN_STEP_BATCH=128
 * runs the preset's batch (~90 s on the cpu backend; measured 2026-12-02: largest difference 1.8e-6 of the largest
 * gradient, conv2d_2's bias, 2e-7 for the filters).
 */
const BATCH = Number(process.env.CNN_STEP_BATCH ?? 32);

// Each test chooses its kernels.
startOnStockWasm();

describe("one training step of the CNN preset", () => {
  it(`gives the cpu backend's gradients within 1e-5 of each tensor's largest, at batch ${BATCH}`, async () => {
    const digits = headOfSplit(loadMnist().train, BATCH);
    const initial = await Promise.all(
      createModel(config.architecture, config.seed, { seededDropout: true })
        .getWeights()
        .map((w) => w.data() as Promise<Float32Array>),
    );
    // Seeded dropout draws the same mask on both backends; the fast kernels keep tfjs's dropout ({ dropout: false }).
    const step = async () => {
      const model = createModel(config.architecture, config.seed, { seededDropout: true });
      model.setWeights(model.weights.map((w, i) => tf.tensor(initial[i]!, w.shape as number[])));
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const x = tf.tensor3d(scalePixels(digits.pixels), [digits.count, IMAGE_SIDE, IMAGE_SIDE]);
      const y = tf.tensor2d(oneHot(digits.labels), [digits.count, NUM_CLASSES]);
      const { value, grads } = tf.variableGrads(
        () =>
          tf.metrics.categoricalCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor).mean() as tf.Scalar,
        variables,
      );
      const gradients = await Promise.all(variables.map((v) => grads[v.name]!.data() as Promise<Float32Array>));
      const names = variables.map((v) => v.name);
      tf.dispose([value, x, y, ...Object.values(grads)]);
      model.dispose();
      return { names, gradients };
    };
    const started = performance.now();
    const cpu = await onBackend("cpu", false, step);
    const cpuMs = performance.now() - started;
    const fast = await onBackend("wasm", true, step, { dropout: false });
    const relative = cpu.gradients.map((g, i) => {
      const largest = g.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
      expect(largest, cpu.names[i]).toBeGreaterThan(0);
      return maxAbsDiff(fast.gradients[i]!, g) / largest;
    });
    console.log(
      `CNN step at batch ${BATCH} (cpu backend ${(cpuMs / 1000).toFixed(1)} s): gradient difference / largest gradient ` +
        relative.map((r, i) => `${cpu.names[i]} ${r.toExponential(1)}`).join(", "),
    );
    for (const [i, r] of relative.entries()) expect(r, cpu.names[i]).toBeLessThan(1e-5);
  });
});

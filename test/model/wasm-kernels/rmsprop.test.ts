import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../../lib/model/backend";
import { createRmspropOptimizer, fastWasmKernelsStatus } from "../../../lib/model/wasm-kernels";
import { FastRmspropOptimizer } from "../../../lib/model/wasm-kernels/rmsprop";
import { createRng } from "../../../lib/numeric/random";

function seededValues(count: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count }, () => scale * (2 * rng() - 1));
}

/** Three RMSprop steps on two variables with fixed gradients; returns the weights and optimizer state. */
async function threeSteps(optimizer: tf.Optimizer): Promise<Float32Array[]> {
  const w1 = tf.variable(tf.tensor2d(seededValues(600, 1), [20, 30]), true, `w1_${Math.random()}`);
  const w2 = tf.variable(tf.tensor1d(seededValues(30, 2)), true, `w2_${Math.random()}`);
  for (let step = 0; step < 3; step++) {
    // Gradients spanning 1e-6..1, where the ε under the root matters and where it does not.
    const grads = {
      [w1.name]: tf.tensor2d(seededValues(600, 10 + step, 10 ** -(step * 3)), [20, 30]),
      [w2.name]: tf.tensor1d(seededValues(30, 20 + step)),
    };
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  const state = await optimizer.getWeights();
  const out = [
    await w1.data(),
    await w2.data(),
    ...(await Promise.all(state.map((s) => s.tensor.data()))),
  ] as Float32Array[];
  tf.dispose([w1, w2]);
  optimizer.dispose();
  return out;
}

beforeAll(async () => {
  // The fused update runs only while the package is on; initBackend switches it on for wasm.
  expect((await initBackend("wasm", true)).fastKernels).toBe(true);
  expect(fastWasmKernelsStatus().rmsprop).toBe(true);
});

describe("FastRmspropOptimizer", () => {
  it("gives tf.train.rmsprop's weights and state bit for bit on the wasm backend", async () => {
    const expected = await threeSteps(tf.train.rmsprop(0.001, 0.9, 0, 1e-7));
    const fast = createRmspropOptimizer(0.001, 0.9, 0, 1e-7);
    expect(fast).toBeInstanceOf(FastRmspropOptimizer);
    const actual = await threeSteps(fast);
    expect(actual.length).toBe(expected.length);
    actual.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(expected[i]!)));
  });

  it("gives the stock result with momentum too", async () => {
    const expected = await threeSteps(tf.train.rmsprop(0.01, 0.8, 0.5, 1e-6));
    const actual = await threeSteps(new FastRmspropOptimizer(0.01, 0.8, 0.5, 1e-6));
    actual.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(expected[i]!)));
  });

  it("updates the weights without running a single tfjs kernel once its state exists", async () => {
    const w = tf.variable(tf.ones([64, 64]));
    const optimizer = new FastRmspropOptimizer(0.001, 0.9, 0, 1e-7);
    const grads = { [w.name]: tf.fill([64, 64], 0.5) };
    optimizer.applyGradients(grads); // creates the zero state (zerosLike kernels)
    const profile = await tf.profile(() => optimizer.applyGradients(grads));
    expect(profile.kernelNames).toEqual([]);
    expect(Array.from((await w.data()).slice(0, 2))).not.toEqual([1, 1]);
    tf.dispose([w, ...Object.values(grads)]);
    optimizer.dispose();
  });

  it("leaves no tensors behind after a step", async () => {
    const w = tf.variable(tf.ones([4, 4]));
    const optimizer = new FastRmspropOptimizer(0.001, 0.9, 0, 1e-7);
    const grads = { [w.name]: tf.ones([4, 4]) };
    optimizer.applyGradients(grads);
    const before = tf.memory().numTensors;
    optimizer.applyGradients(grads);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, ...Object.values(grads)]);
    optimizer.dispose();
  });
});

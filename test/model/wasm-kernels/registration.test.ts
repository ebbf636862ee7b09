// The package's switch: what enableFastWasmKernels puts in place, and that every off switch puts tfjs's own back.
import * as tf from "@tensorflow/tfjs";
// Importing the wasm backend registers its stock kernels: they are read below, before anything can replace them.
import "@tensorflow/tfjs-backend-wasm";
import { describe, expect, it } from "vitest";
import { assertCanTrain, initBackend } from "../../../lib/model/backend";
import { createModel } from "../../../lib/model/create";
import {
  createRmspropOptimizer,
  disableFastWasmKernels,
  enableFastWasmKernels,
  fastWasmKernelsStatus,
} from "../../../lib/model/wasm-kernels";
import { FastRmspropOptimizer } from "../../../lib/model/wasm-kernels/rmsprop";
import { createOptimizer } from "../../../lib/features/train/loop";
import { onBackend, startOnStockWasm } from "./backends";

const REPLACED = [
  "BatchMatMul",
  "_FusedMatMul",
  "GatherV2",
  "Identity",
  "Sum",
  "Slice",
  "Conv2D",
  "Conv2DBackpropInput",
  "MaxPoolGrad",
];
/** Kernels tfjs-backend-wasm 4.22 lacks, which the package adds. */
const ADDED = ["Conv2DBackpropFilter"];

/** Dropout's training-time call, from the prototype every tfjs-layers Dropout layer shares. */
const dropoutCall = () => (Object.getPrototypeOf(tf.layers.dropout({ rate: 0.5 })) as { call: unknown }).call;

const stockKernels = new Map(REPLACED.map((name) => [name, tf.getKernel(name, "wasm")?.kernelFunc]));
const stockDropoutCall = dropoutCall();

/** The kernels one RMSprop step runs once the optimizer's state exists (none for the fused update). */
async function kernelsOfOneStep(optimizer: tf.Optimizer): Promise<string[]> {
  const w = tf.variable(tf.ones([8, 8]));
  const grads = { [w.name]: tf.fill([8, 8], 0.5) };
  optimizer.applyGradients(grads); // creates the zero state (zerosLike kernels)
  const profile = await tf.profile(() => optimizer.applyGradients(grads));
  tf.dispose([w, ...Object.values(grads)]);
  return profile.kernelNames;
}

/** Checks, on tfjs itself, that nothing of the package is in place: kernels, clone, dropout, optimizers. */
async function expectStockTfjs(): Promise<void> {
  for (const name of REPLACED) expect(tf.getKernel(name, "wasm")!.kernelFunc, name).toBe(stockKernels.get(name));
  for (const name of ADDED) expect(tf.getKernel(name, "wasm"), name).toBeUndefined();
  // So a CNN cannot train, and says why before its first step.
  const cnn = createModel({ kind: "cnn", filters: [4, 4], dense: 8, dropout: 0 }, 1);
  expect(() => assertCanTrain(cnn)).toThrow(
    /layer conv2d_1 on the wasm backend: its gradient needs kernel 'Conv2DBackpropFilter'.*TFJS_FAST_KERNELS=0/,
  );
  cnn.dispose();
  expect(dropoutCall()).toBe(stockDropoutCall);
  // tfjs-backend-wasm's own Identity copies: a clone takes a second buffer (the fast one shares the first).
  const x = tf.ones([4, 4]);
  const before = tf.backend().numDataIds();
  const clone = tf.clone(x);
  expect(tf.backend().numDataIds()).toBe(before + 1);
  tf.dispose([x, clone]);
  const rmsprop = createRmspropOptimizer(0.001, 0.9, 0, 1e-7);
  expect(Object.getPrototypeOf(rmsprop)).toBe(tf.RMSPropOptimizer.prototype);
  expect(await kernelsOfOneStep(rmsprop)).toContain("Sqrt");
  rmsprop.dispose();
  // The training loop's optimizer (lib/features/train/loop.ts) is tfjs's own class too.
  const training = createOptimizer({ name: "rmsprop", learningRate: 0.001, rho: 0.9, momentum: 0 });
  expect(Object.getPrototypeOf(training)).toBe(tf.RMSPropOptimizer.prototype);
  training.dispose();
  expect(fastWasmKernelsStatus()).toEqual({ enabled: false, kernels: [], fma: null, dropout: false, rmsprop: false });
}

// Each test chooses its kernels.
startOnStockWasm();

describe("enableFastWasmKernels", () => {
  it("returns false and registers nothing while the cpu backend is active", async () => {
    await onBackend("cpu", false, async () => {
      expect(enableFastWasmKernels()).toBe(false);
      expect(fastWasmKernelsStatus().enabled).toBe(false);
    });
  });

  it("is idempotent, and disableFastWasmKernels puts the stock kernels back", () => {
    const stock = tf.getKernel("BatchMatMul", "wasm")!.kernelFunc;
    expect(enableFastWasmKernels()).toBe(true);
    expect(enableFastWasmKernels()).toBe(true);
    expect(tf.getKernel("BatchMatMul", "wasm")!.kernelFunc).not.toBe(stock);
    disableFastWasmKernels();
    disableFastWasmKernels();
    expect(tf.getKernel("BatchMatMul", "wasm")!.kernelFunc).toBe(stock);
    expect(fastWasmKernelsStatus().enabled).toBe(false);
  });

  it("uses fused multiply-adds unless told not to (Node 20 needs relaxed SIMD switched on, which it does)", () => {
    expect(fastWasmKernelsStatus().fma).toBeNull();
    expect(enableFastWasmKernels()).toBe(true);
    expect(fastWasmKernelsStatus().fma).toBe(true);
    disableFastWasmKernels();
    expect(enableFastWasmKernels({ fma: false })).toBe(true);
    expect(fastWasmKernelsStatus().fma).toBe(false);
    disableFastWasmKernels();
  });

  it("replaces nine kernels, adds Conv2DBackpropFilter, Dropout's masks and RMSprop's update, and says so in its status", async () => {
    expect(enableFastWasmKernels()).toBe(true);
    try {
      expect(fastWasmKernelsStatus()).toEqual({
        enabled: true,
        kernels: [...REPLACED, ...ADDED],
        fma: true,
        dropout: true,
        rmsprop: true,
      });
      for (const name of REPLACED)
        expect(tf.getKernel(name, "wasm")!.kernelFunc, name).not.toBe(stockKernels.get(name));
      for (const name of ADDED) expect(tf.getKernel(name, "wasm"), name).toBeDefined();
      const cnn = createModel({ kind: "cnn", filters: [4, 4], dense: 8, dropout: 0 }, 1);
      expect(() => assertCanTrain(cnn)).not.toThrow();
      cnn.dispose();
      expect(dropoutCall()).not.toBe(stockDropoutCall);
      const rmsprop = createRmspropOptimizer(0.001);
      expect(rmsprop).toBeInstanceOf(FastRmspropOptimizer);
      expect(await kernelsOfOneStep(rmsprop)).toEqual([]);
      rmsprop.dispose();
      expect(createOptimizer({ name: "rmsprop", learningRate: 0.001, rho: 0.9, momentum: 0 })).toBeInstanceOf(
        FastRmspropOptimizer,
      );
    } finally {
      disableFastWasmKernels();
    }
  });

  it("keeps tfjs's dropout when asked to ({ dropout: false })", () => {
    expect(enableFastWasmKernels({ dropout: false })).toBe(true);
    expect(fastWasmKernelsStatus().dropout).toBe(false);
    expect(dropoutCall()).toBe(stockDropoutCall);
    disableFastWasmKernels();
  });
});

describe("switching the package off", () => {
  it("disableFastWasmKernels() gives tfjs's own kernels, dropout and RMSprop, even to an optimizer made while on", async () => {
    expect(enableFastWasmKernels()).toBe(true);
    const madeWhileOn = createRmspropOptimizer(0.001);
    expect(madeWhileOn).toBeInstanceOf(FastRmspropOptimizer);
    disableFastWasmKernels();
    await expectStockTfjs();
    // Its update is now tfjs's element-wise kernels, not the fused pass.
    expect(await kernelsOfOneStep(madeWhileOn)).toContain("Sqrt");
    madeWhileOn.dispose();
  });

  it("TFJS_FAST_KERNELS=0 makes initBackend switch everything off, even after an earlier call switched it on", async () => {
    expect((await initBackend("wasm")).fastKernels).toBe(true);
    expect(fastWasmKernelsStatus().enabled).toBe(true);
    const saved = process.env.TFJS_FAST_KERNELS;
    process.env.TFJS_FAST_KERNELS = "0";
    try {
      const backend = await initBackend("wasm");
      expect(backend.fastKernels).toBe(false);
      expect(backend.version).not.toContain("fast kernels");
      await expectStockTfjs();
    } finally {
      if (saved === undefined) delete process.env.TFJS_FAST_KERNELS;
      else process.env.TFJS_FAST_KERNELS = saved;
    }
  });
});

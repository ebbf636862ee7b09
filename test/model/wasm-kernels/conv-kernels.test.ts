// The fast convolution and pooling gradients against the cpu backend's, on the CNN preset's shapes and others.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { maxAbsDiff, onBackend, seededValues, startOnStockWasm } from "./backends";

// Each test chooses its kernels.
startOnStockWasm();

type Pad = "same" | "valid";
// [x shape NHWC, filter shape [fh, fw, ci, co], strides, pad]
const convCases: Array<[number[], number[], number, Pad]> = [
  [[8, 28, 28, 1], [3, 3, 1, 32], 1, "valid"], // the preset's first conv, 8 of its 128 digits
  [[4, 13, 13, 32], [3, 3, 32, 64], 1, "valid"], // its second conv
  [[3, 13, 13, 32], [3, 3, 32, 64], 1, "same"],
  [[3, 12, 11, 5], [3, 2, 5, 7], 2, "same"], // uneven padding, stride 2
  [[2, 12, 11, 5], [5, 5, 5, 3], 2, "valid"],
  [[2, 9, 9, 3], [1, 1, 3, 6], 1, "valid"],
];

/** Largest |difference| relative to the largest |expected| value. */
function relativeDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  return maxAbsDiff(actual, expected) / scale;
}

describe("fast convolution", () => {
  it.each(convCases)(
    "of x %j by filter %j, stride %i, %s padding matches the cpu backend",
    async (xShape, fShape, stride, pad) => {
      const x = tf.tensor4d(seededValues(tf.util.sizeFromShape(xShape), 1), xShape as [number, number, number, number]);
      const filter = seededValues(tf.util.sizeFromShape(fShape), 2);
      const run = () =>
        tf
          .tidy(() => tf.conv2d(x, tf.tensor4d(filter, fShape as [number, number, number, number]), stride, pad))
          .data();
      const cpu = await onBackend("cpu", false, run);
      expect(relativeDiff(await onBackend("wasm", true, run), cpu)).toBeLessThan(1e-5);
      x.dispose();
    },
  );
});

describe("fast convolution gradients", () => {
  it.each(convCases)(
    "of x %j, filter %j, stride %i, %s padding match the cpu backend",
    async (xShape, fShape, stride, pad) => {
      const x = seededValues(tf.util.sizeFromShape(xShape), 1);
      const filter = seededValues(tf.util.sizeFromShape(fShape), 2);
      const x4 = xShape as [number, number, number, number];
      const f4 = fShape as [number, number, number, number];
      const dyOf = (shape: number[]) => tf.tensor(seededValues(tf.util.sizeFromShape(shape), 3), shape);
      const run = async () => {
        // tf.grads runs Conv2DBackpropInput for x and Conv2DBackpropFilter for the filter.
        const [dX, dFilter] = tf.tidy(() => {
          const dy = dyOf(tf.conv2d(tf.zeros<tf.Rank.R4>(x4), tf.zeros<tf.Rank.R4>(f4), stride, pad).shape);
          const loss = (input: tf.Tensor, kernel: tf.Tensor) =>
            tf
              .conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, stride, pad)
              .mul(dy)
              .sum();
          return tf.grads(loss)([tf.tensor4d(x, x4), tf.tensor4d(filter, f4)]);
        }) as [tf.Tensor, tf.Tensor];
        const result = { dFilter: await dFilter.data(), dX: await dX.data() };
        tf.dispose([dFilter, dX]);
        return result;
      };
      const cpu = await onBackend("cpu", false, run);
      const fast = await onBackend("wasm", true, run);
      expect(relativeDiff(fast.dFilter, cpu.dFilter)).toBeLessThan(1e-5);
      expect(relativeDiff(fast.dX, cpu.dX)).toBeLessThan(1e-5);
      // tfjs-backend-wasm's own Conv2DBackpropInput, which the fast one replaces, gives the same values.
      const stock = await onBackend("wasm", false, async () => {
        const dX = tf.tidy(() => {
          const dy = dyOf(tf.conv2d(tf.zeros<tf.Rank.R4>(x4), tf.zeros<tf.Rank.R4>(f4), stride, pad).shape);
          const attrs = { strides: stride, pad, dataFormat: "NHWC", inputShape: xShape };
          const inputs = { dy, filter: tf.tensor4d(filter, f4) };
          return tf.engine().runKernel("Conv2DBackpropInput", inputs, attrs) as tf.Tensor;
        });
        const values = await dX.data();
        dX.dispose();
        return values;
      });
      expect(relativeDiff(fast.dX, stock)).toBeLessThan(1e-5);
    },
  );
});

// [x shape, pool size, strides, pad]
const poolCases: Array<[number[], number, number, Pad]> = [
  [[8, 26, 26, 32], 2, 2, "valid"], // the preset's first pool
  [[8, 11, 11, 64], 2, 2, "valid"], // its second: the last row and column fall outside every window
  [[3, 11, 11, 5], 2, 2, "same"],
  [[3, 10, 9, 4], 3, 2, "same"], // overlapping windows
  [[3, 10, 9, 4], 3, 1, "valid"],
];

describe("fast max-pool gradient", () => {
  it.each(poolCases)(
    "of x %j, pool %i, stride %i, %s padding matches the cpu backend",
    async (xShape, size, stride, pad) => {
      // Rounded values make ties within a window, which must go to the same (first) position as on the cpu backend.
      const x = seededValues(tf.util.sizeFromShape(xShape), 4).map((v) => Math.round(4 * v) / 4);
      const run = () =>
        tf
          .tidy(() => {
            const input = tf.tensor4d(x, xShape as [number, number, number, number]);
            const outShape = tf.maxPool(input, size, stride, pad).shape;
            const dy = tf.tensor(seededValues(tf.util.sizeFromShape(outShape), 5), outShape);
            return tf.grad((t: tf.Tensor) =>
              tf
                .maxPool(t as tf.Tensor4D, size, stride, pad)
                .mul(dy)
                .sum(),
            )(input);
          })
          .data();
      const cpu = await onBackend("cpu", false, run);
      // Where windows overlap, an input's gradient adds several dy: in float32 here, float64 on the cpu backend.
      expect(relativeDiff(await onBackend("wasm", true, run), cpu)).toBeLessThan(1e-6);
    },
  );
});

// The fast kernels against the cpu backend (and the stock wasm kernels): products, clone, sums, slices, gathers.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { maxAbsDiff, onBackend, seededValues, startOnStockWasm } from "./backends";

// Each test chooses its kernels.
startOnStockWasm();

describe("fast matMul kernels", () => {
  // [a shape, b shape, transposeA, transposeB]
  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[37, 53], [53, 29], false, false],
    [[53, 37], [53, 29], true, false],
    [[37, 53], [29, 53], false, true],
    [[53, 37], [29, 53], true, true],
    [[128, 784], [128, 512], true, false], // dW of the seed's first layer
    [[128, 512], [784, 512], false, true], // dX through it
    [[3, 37, 53], [3, 53, 29], false, false],
    [[3, 53, 37], [3, 53, 29], true, false],
    [[3, 37, 53], [3, 29, 53], false, true],
    [[3, 53, 37], [3, 29, 53], true, true],
    [[1, 53, 37], [4, 29, 53], true, true], // batch broadcast
    [[4, 37, 53], [1, 53, 29], false, false],
    [[300, 67], [150, 300], true, true], // odd row count: 4-row tiles, then single rows
    [[2, 300, 64], [2, 300, 200], true, false],
    [[128, 512], [512, 10], false, false], // the seed's output layer: 8 columns in a panel, 2 single ones
    [[5, 3], [3, 13], false, false], // 13 columns: a panel of 8, one of 4, one single
    [[7, 1], [1, 9], false, false], // k = 1
    [[7, 3], [6, 3], false, true], // dot tiling with k < 4: only the scalar tail
  ];

  it.each(cases)(
    "matMul of %j by %j (transposeA %s, transposeB %s) matches the cpu backend",
    async (aShape, bShape, transposeA, transposeB) => {
      const a = seededValues(tf.util.sizeFromShape(aShape), 1);
      const b = seededValues(tf.util.sizeFromShape(bShape), 2);
      const run = () =>
        tf.tidy(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), transposeA, transposeB)).data();
      const expected = await onBackend("cpu", false, run);
      const fast = await onBackend("wasm", true, run);
      const mulAdd = await onBackend("wasm", true, run, { fma: false });
      const k = transposeA ? aShape[aShape.length - 2]! : aShape[aShape.length - 1]!;
      // Sums of k products of values in [-1, 1): float32 rounding grows with k (1e-6 per term is ~8 ulps of 1).
      expect(maxAbsDiff(fast, expected)).toBeLessThan(1e-6 * k);
      expect(maxAbsDiff(mulAdd, expected)).toBeLessThan(1e-6 * k);
      // The stock wasm kernels (XNNPACK or its scalar loop) agree to the same tolerance: the product is the same.
      expect(maxAbsDiff(fast, await onBackend("wasm", false, run))).toBeLessThan(1e-6 * k);
    },
  );

  it("fused matMul with bias and relu on transposed operands matches the cpu backend", async () => {
    const a = seededValues(53 * 37, 3);
    const b = seededValues(29 * 53, 4);
    const bias = seededValues(29, 5);
    const run = () =>
      tf
        .tidy(() =>
          tf.fused.matMul({
            a: tf.tensor2d(a, [53, 37]),
            b: tf.tensor2d(b, [29, 53]),
            transposeA: true,
            transposeB: true,
            bias: tf.tensor1d(bias),
            activation: "relu",
          }),
        )
        .data();
    const expected = await onBackend("cpu", false, run);
    expect(maxAbsDiff(await onBackend("wasm", true, run), expected)).toBeLessThan(1e-6 * 53);
  });

  // [a shape, b shape, transposeA, transposeB, bias shape or null, activation]
  const fusedCases: Array<[number[], number[], boolean, boolean, number[] | null, tf.fused.Activation]> = [
    [[128, 784], [784, 512], false, false, [512], "relu"], // a Dense layer's forward pass
    [[37, 53], [53, 29], false, false, [29], "linear"],
    [[37, 53], [53, 29], false, false, null, "relu"],
    [[2, 37, 53], [2, 53, 13], false, false, [13], "relu"], // batched: the bias is added in every matrix
    [[37, 53], [53, 29], false, false, [1, 29], "relu"], // a rank-2 bias of one row (the stock wasm kernel refuses it)
    [[37, 53], [53, 29], false, false, [29], "sigmoid"], // another activation: the stock kernel
  ];

  it.each(fusedCases)(
    "fused matMul of %j by %j (transposeA %s, transposeB %s, bias %j, %s) matches the cpu backend",
    async (aShape, bShape, transposeA, transposeB, biasShape, activation) => {
      const a = seededValues(tf.util.sizeFromShape(aShape), 7);
      const b = seededValues(tf.util.sizeFromShape(bShape), 8);
      const bias = biasShape === null ? null : seededValues(tf.util.sizeFromShape(biasShape), 9);
      const run = () =>
        tf
          .tidy(() =>
            tf.fused.matMul({
              a: tf.tensor(a, aShape),
              b: tf.tensor(b, bShape),
              transposeA,
              transposeB,
              bias: bias === null ? undefined : tf.tensor(bias, biasShape!),
              activation,
            }),
          )
          .data();
      const expected = await onBackend("cpu", false, run);
      const k = transposeA ? aShape[aShape.length - 2]! : aShape[aShape.length - 1]!;
      expect(maxAbsDiff(await onBackend("wasm", true, run), expected)).toBeLessThan(1e-6 * k);
      expect(maxAbsDiff(await onBackend("wasm", true, run, { fma: false }), expected)).toBeLessThan(1e-6 * k);
    },
  );

  it("clones by sharing the buffer: equal values, and each tensor outlives the other's disposal", async () => {
    await onBackend("wasm", true, async () => {
      const buffers = () => tf.backend().numDataIds();
      const before = buffers();
      const x = tf.tensor2d(seededValues(64 * 32, 10), [64, 32]);
      const values = Array.from(await x.data());
      const clone = tf.clone(x);
      // One buffer for both (the stock kernel allocates a second one).
      expect(buffers()).toBe(before + 1);
      x.dispose();
      expect(Array.from(await clone.data())).toEqual(values);
      const again = tf.clone(clone);
      clone.dispose();
      expect(Array.from(await again.data())).toEqual(values);
      again.dispose();
      expect(buffers()).toBe(before);
    });
  });

  // [shape, axis, keepDims]: leading axes take the column-sum kernel, the others the stock one.
  const sums: Array<[number[], number | number[], boolean]> = [
    [[128, 512], 0, false], // a bias gradient
    [[37, 29], [0], true],
    [[5, 3, 7], [1, 0], false], // two leading axes, given out of order
    [[6, 21], 0, false], // 16 + 4 + 1 columns: every strip width
    [[37, 29], 1, false], // the last axis: stock
    [[37, 29], [0, 1], false], // everything: stock
  ];

  it.each(sums)(
    "sums a %j tensor over axis %j (keepDims %s) like the cpu backend, and as the stock wasm kernel does",
    async (shape, axis, keepDims) => {
      const x = seededValues(tf.util.sizeFromShape(shape), 12);
      const run = async () => {
        const out = tf.tidy(() => tf.sum(tf.tensor(x, shape), axis, keepDims));
        return { shape: out.shape, values: await out.data() };
      };
      const cpu = await onBackend("cpu", false, run);
      const fast = await onBackend("wasm", true, run);
      const stock = await onBackend("wasm", false, run);
      expect(fast.shape).toEqual(cpu.shape);
      // The cpu backend adds in float64; a float32 sum of n terms in [-1, 1) stays within ~n·1e-7 of it.
      const terms = tf.util.sizeFromShape(shape) / Math.max(1, cpu.values.length);
      expect(maxAbsDiff(fast.values, cpu.values)).toBeLessThan(2e-7 * terms);
      expect(maxAbsDiff(fast.values, stock.values)).toBeLessThan(2e-7 * terms);
      // Over axis 0 both add the rows in order in float32: the same bits as tfjs-backend-wasm's own loop.
      if (axis === 0 || (Array.isArray(axis) && axis.length === 1 && axis[0] === 0))
        expect(Array.from(fast.values)).toEqual(Array.from(stock.values));
    },
  );

  it("slices like the cpu backend, contiguous (one copy) or strided (the stock kernel)", async () => {
    const x = seededValues(50 * 6 * 4, 13);
    const slices: Array<[number[], number[]]> = [
      [
        [7, 0, 0],
        [20, 6, 4],
      ], // rows: contiguous
      [
        [3, 2, 0],
        [1, 3, 4],
      ], // within one row: contiguous
      [
        [0, 1, 1],
        [50, 2, 3],
      ], // strided
    ];
    const run = () =>
      Promise.all(
        slices.map(([begin, size]) => tf.tidy(() => tf.slice(tf.tensor3d(x, [50, 6, 4]), begin, size)).data()),
      );
    const expected = await onBackend("cpu", false, run);
    const fast = await onBackend("wasm", true, run);
    fast.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(expected[i]!)));
  });

  it("gathers rows along axis 0 like the cpu backend and rejects an index out of range", async () => {
    const x = seededValues(50 * 6, 6);
    const index = [49, 0, 7, 7, 23];
    const run = () => tf.tidy(() => tf.gather(tf.tensor3d(x, [50, 2, 3]), tf.tensor1d(index, "int32"))).data();
    const expected = await onBackend("cpu", false, run);
    expect(Array.from(await onBackend("wasm", true, run))).toEqual(Array.from(expected));
    await onBackend("wasm", true, async () => {
      expect(() => tf.gather(tf.zeros([4, 3]), tf.tensor1d([4], "int32"))).toThrow(
        "GatherV2: the index value 4 is not in [0, 3]",
      );
    });
  });
});

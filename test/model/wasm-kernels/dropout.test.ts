import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../../lib/model/backend";
import {
  fastDropoutInstalled,
  fillDropoutMask,
  installFastDropout,
  seedSfc32,
  uninstallFastDropout,
} from "../../../lib/model/wasm-kernels/dropout";

beforeAll(async () => {
  // The patch is backend-independent JavaScript; the cpu backend keeps these tests quick.
  expect(await tf.setBackend("cpu")).toBe(true);
});

afterEach(() => uninstallFastDropout());

describe("fillDropoutMask", () => {
  it("keeps each element with probability 1 − rate, scaled by 1/keep, and zeroes the rest", () => {
    const mask = fillDropoutMask(new Float32Array(200_000), 0.2, seedSfc32(7));
    let kept = 0;
    let other = 0;
    for (const v of mask) {
      if (v === Math.fround(1.25)) kept++;
      else if (v !== 0) other++;
    }
    expect(other).toBe(0);
    // Binomial(200,000, 0.8): standard deviation 179 elements, so ±0.5% is over 5 sigma.
    expect(kept / mask.length).toBeGreaterThan(0.795);
    expect(kept / mask.length).toBeLessThan(0.805);
  });

  it("gives the same mask for the same seed and a different one as the stream advances", () => {
    const a = fillDropoutMask(new Float32Array(1000), 0.5, seedSfc32(3));
    const b = fillDropoutMask(new Float32Array(1000), 0.5, seedSfc32(3));
    expect(Array.from(a)).toEqual(Array.from(b));
    const state = seedSfc32(3);
    const first = Array.from(fillDropoutMask(new Float32Array(1000), 0.5, state));
    const second = Array.from(fillDropoutMask(new Float32Array(1000), 0.5, state));
    expect(second).not.toEqual(first);
  });

  it("has no visible correlation between neighbouring elements", () => {
    const mask = fillDropoutMask(new Float32Array(100_000), 0.5, seedSfc32(11));
    let bothKept = 0;
    for (let i = 1; i < mask.length; i++) if (mask[i] !== 0 && mask[i - 1] !== 0) bothKept++;
    // Independent draws: P(both) = 0.25; ±0.01 is over 7 sigma for 100,000 pairs.
    expect(Math.abs(bothKept / (mask.length - 1) - 0.25)).toBeLessThan(0.01);
  });

  it("rejects a rate outside (0, 1) with the value in the message", () => {
    expect(() => fillDropoutMask(new Float32Array(4), 1, seedSfc32(1))).toThrow(/got 1/);
    expect(() => fillDropoutMask(new Float32Array(4), 0, seedSfc32(1))).toThrow(/got 0/);
  });
});

describe("installFastDropout", () => {
  const x = () =>
    tf.tensor2d(
      Float32Array.from({ length: 64 * 32 }, (_, i) => 1 + (i % 7)),
      [64, 32],
    );

  it("multiplies by a 0 or 1/keep mask in training, a new one every call, and passes the gradient through it", async () => {
    expect(installFastDropout()).toBe(true);
    expect(fastDropoutInstalled()).toBe(true);
    const layer = tf.layers.dropout({ rate: 0.25, seed: 5 });
    const input = x();
    const first = await (layer.apply(input, { training: true }) as tf.Tensor).data();
    const second = await (layer.apply(input, { training: true }) as tf.Tensor).data();
    const values = await input.data();
    for (let i = 0; i < values.length; i++) {
      expect([0, values[i]! / 0.75].some((v) => Math.abs(first[i]! - v) < 1e-5)).toBe(true);
    }
    expect(Array.from(second)).not.toEqual(Array.from(first));
    // d/dx sum(dropout(x)) is the mask itself; the output of the same call is x · mask.
    let output: tf.Tensor | undefined;
    const grad = await tf
      .grad((v: tf.Tensor) => {
        output = tf.keep(layer.apply(v, { training: true }) as tf.Tensor);
        return output.sum();
      })(input)
      .data();
    const out = await output!.data();
    for (let i = 0; i < values.length; i++) expect(grad[i]! * values[i]!).toBeCloseTo(out[i]!, 4);
  });

  it("writes the same masks into the wasm heap as into a Float32Array on cpu", async () => {
    installFastDropout();
    const run = async () => {
      const layer = tf.layers.dropout({ rate: 0.3, seed: 11 });
      const input = x();
      const outputs = [];
      for (let step = 0; step < 3; step++)
        outputs.push(Array.from(await (layer.apply(input, { training: true }) as tf.Tensor).data()));
      return outputs;
    };
    const onCpu = await run();
    await initBackend("wasm", false);
    try {
      expect(await run()).toEqual(onCpu);
    } finally {
      expect(await tf.setBackend("cpu")).toBe(true);
    }
  });

  it("draws the same mask sequence for two layers with the same seed", async () => {
    installFastDropout();
    const a = tf.layers.dropout({ rate: 0.5, seed: 9 });
    const b = tf.layers.dropout({ rate: 0.5, seed: 9 });
    const input = x();
    for (let step = 0; step < 3; step++) {
      const outA = await (a.apply(input, { training: true }) as tf.Tensor).data();
      const outB = await (b.apply(input, { training: true }) as tf.Tensor).data();
      expect(Array.from(outA)).toEqual(Array.from(outB));
    }
  });

  it("is the identity outside training, and uninstalling restores tfjs's dropout", async () => {
    installFastDropout();
    const layer = tf.layers.dropout({ rate: 0.5, seed: 1 });
    const input = x();
    expect(Array.from(await (layer.apply(input) as tf.Tensor).data())).toEqual(Array.from(await input.data()));
    uninstallFastDropout();
    expect(fastDropoutInstalled()).toBe(false);
    // tfjs-layers 4.22 reuses a seeded layer's mask every call (the reason for this module): stock behaviour is back.
    const first = await (layer.apply(input, { training: true }) as tf.Tensor).data();
    const second = await (layer.apply(input, { training: true }) as tf.Tensor).data();
    expect(Array.from(second)).toEqual(Array.from(first));
  });
});

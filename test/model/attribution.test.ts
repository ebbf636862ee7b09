// Attribution methods on real MNIST digits with briefly trained models: completeness, finite differences, occlusion.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/model/backend";
import { createModel } from "../../lib/model/create";
import { computeAttribution, meanInputAttribution, readLogits } from "../../lib/model/attribution";
import { loadMnist } from "../../lib/mnist/dataset";
import { scalePixels } from "../../lib/mnist/encode";
import type { Architecture } from "../../lib/core/train-config";

const mnist = loadMnist();
const digit = (i: number) => scalePixels(mnist.test.pixels.subarray(i * 784, (i + 1) * 784));

/**
 * A model fitted for one epoch on the first `n` training digits: real, if rough, evidence to explain. No shuffle and no
 * dropout, so every run fits the same weights and the quadrature bounds below test one model, not a random one.
 */
async function trainedModel(architecture: Architecture, n: number): Promise<tf.LayersModel> {
  const model = createModel({ ...architecture, dropout: 0 }, 7);
  const x = tf.tensor3d(scalePixels(mnist.train.pixels.subarray(0, n * 784)), [n, 28, 28]);
  const y = tf.oneHot(tf.tensor1d(Array.from(mnist.train.labels.subarray(0, n)), "int32"), 10);
  model.compile({ optimizer: tf.train.adam(0.001), loss: "categoricalCrossentropy" });
  await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0, shuffle: false });
  tf.dispose([x, y]);
  return model;
}

async function logitOf(model: tf.LayersModel, pixels: Float32Array, c: number): Promise<number> {
  const x = tf.tensor3d(pixels, [1, 28, 28]);
  const z = await readLogits(model, x);
  x.dispose();
  return z[c]!;
}

describe("attributions of the seed MLP", () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    await initBackend("wasm");
    model = await trainedModel({ kind: "mlp", hidden: [512, 512, 512], dropout: 0.2 }, 2000);
  });
  afterAll(() => model?.dispose());

  // |Σ attr − Δf| / |Δf| is ill-conditioned where Δf = f(x) − f(x′) is near 0 (a wrong class on a blurred digit): there
  // the quadrature's absolute error, about 0.005 logit at 50 steps, is what is bounded.
  it("integrated gradients with 50 midpoint steps sum to f(x) − f(baseline) within 1 % on 20 real digits", async () => {
    let clear = 0;
    for (let i = 0; i < 20; i++) {
      const label = mnist.test.labels[i]!;
      for (const baseline of ["black", "blurred"] as const) {
        for (const targetClass of [label, (label + 3) % 10]) {
          const r = await computeAttribution(model, digit(i), {
            method: "integrated-gradients",
            targetClass,
            baseline,
          });
          const delta = r.logits[targetClass]! - r.baselineLogit!;
          const sum = r.values.reduce((a, b) => a + b, 0);
          // Recomputed here from the definition, not read from the result alone.
          expect(Math.abs(sum - delta) / Math.abs(delta)).toBeCloseTo(r.completenessError!, 5);
          expect(Math.abs(sum - delta)).toBeLessThan(0.01 * Math.max(1, Math.abs(delta)));
          if (Math.abs(delta) >= 1) {
            expect(r.completenessError).toBeLessThan(0.01);
            clear++;
          }
        }
      }
    }
    // Most cases are the well-conditioned kind: the true class against a black baseline always is.
    expect(clear).toBeGreaterThan(40);
  });

  it("the vanilla gradient matches central finite differences of the logit", async () => {
    const x = digit(0);
    const target = mnist.test.labels[0]!;
    const { values } = await computeAttribution(model, x, { method: "gradient", targetClass: target });
    // The 8 pixels with the largest |gradient| and 8 spread over the image, ink and background.
    const order = Array.from(values.keys()).sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!));
    const pixels = [...order.slice(0, 8), 100, 210, 300, 378, 406, 490, 570, 650];
    const h = 1e-3;
    for (const p of pixels) {
      const up = Float32Array.from(x);
      const down = Float32Array.from(x);
      up[p]! += h;
      down[p]! -= h;
      const fd = ((await logitOf(model, up, target)) - (await logitOf(model, down, target))) / (2 * h);
      expect(Math.abs(fd - values[p]!)).toBeLessThan(2e-3 + 0.02 * Math.abs(values[p]!));
    }
  });

  it("gradient × input is the gradient times the pixel, zero on the black background", async () => {
    const x = digit(1);
    const [g, gi] = await Promise.all(
      (["gradient", "gradient-input"] as const).map((method) =>
        computeAttribution(model, x, { method, targetClass: 2 }),
      ),
    );
    for (let i = 0; i < 784; i++) expect(gi!.values[i]).toBeCloseTo(g!.values[i]! * x[i]!, 5);
  });

  it("occluding an all-zero patch on an all-zero region changes nothing", async () => {
    const x = digit(2);
    const target = mnist.test.labels[2]!;
    const { values } = await computeAttribution(model, x, { method: "occlusion", targetClass: target });
    // A pixel all of whose covering 4×4 patches (stride 2) lie on black pixels only: occluding them with the black
    // baseline leaves the digit as it was, so its attribution is exactly 0.
    const black = (r0: number, c0: number) => {
      for (let r = r0; r < r0 + 4; r++) for (let c = c0; c < c0 + 4; c++) if (x[r * 28 + c] !== 0) return false;
      return true;
    };
    const starts = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24];
    let checked = 0;
    for (let r = 0; r < 28; r++)
      for (let c = 0; c < 28; c++) {
        const covering = starts.flatMap((r0) =>
          starts.filter((c0) => r >= r0 && r < r0 + 4 && c >= c0 && c < c0 + 4).map((c0) => [r0, c0] as const),
        );
        if (covering.every(([r0, c0]) => black(r0, c0))) {
          expect(values[r * 28 + c]).toBe(0);
          checked++;
        }
      }
    expect(checked).toBeGreaterThan(100);
    // And on the ink the occlusion does move the logit.
    expect(values.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    const empty = await computeAttribution(model, new Float32Array(784), { method: "occlusion", targetClass: target });
    expect(empty.values.every((v) => v === 0)).toBe(true);
  });

  it("SmoothGrad is deterministic (seeded noise) and differs from the plain gradient", async () => {
    const x = digit(3);
    const a = await computeAttribution(model, x, { method: "smoothgrad", targetClass: 0 });
    const b = await computeAttribution(model, x, { method: "smoothgrad", targetClass: 0 });
    const g = await computeAttribution(model, x, { method: "gradient", targetClass: 0 });
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.values)).not.toEqual(Array.from(g.values));
  });

  it("the batched mean of gradient × input equals the mean of the single-digit maps", async () => {
    const rows = new Float32Array(3 * 784);
    const classes = new Int32Array([4, 9, 1]);
    const singles = [];
    for (let k = 0; k < 3; k++) {
      rows.set(digit(10 + k), k * 784);
      singles.push(
        await computeAttribution(model, digit(10 + k), { method: "gradient-input", targetClass: classes[k]! }),
      );
    }
    const mean = await meanInputAttribution(model, rows, classes);
    for (let i = 0; i < 784; i += 7)
      expect(mean[i]).toBeCloseTo((singles[0]!.values[i]! + singles[1]!.values[i]! + singles[2]!.values[i]!) / 3, 4);
  });

  it("leaves no tensor behind and names a bad class or step count", async () => {
    const before = tf.memory().numTensors;
    for (const method of ["gradient", "gradient-input", "integrated-gradients", "smoothgrad", "occlusion"] as const)
      await computeAttribution(model, digit(4), { method, targetClass: 4, baseline: "blurred" });
    expect(tf.memory().numTensors).toBe(before);
    await expect(computeAttribution(model, digit(4), { method: "gradient", targetClass: 10 })).rejects.toThrow(
      "targetClass must be an integer from 0 to 9, got 10",
    );
    await expect(
      computeAttribution(model, digit(4), { method: "integrated-gradients", targetClass: 1, steps: 0 }),
    ).rejects.toThrow("steps must be an integer from 1 to 1000, got 0");
  });
});

describe("attributions of the CNN preset", () => {
  it("integrated gradients are complete within 1 % and occlusion runs, on real digits", async () => {
    await initBackend("wasm");
    const model = await trainedModel({ kind: "cnn", filters: [32, 64], dense: 128, dropout: 0.5 }, 1000);
    for (let i = 0; i < 5; i++) {
      const targetClass = mnist.test.labels[i]!;
      const ig = await computeAttribution(model, digit(i), { method: "integrated-gradients", targetClass });
      expect(ig.completenessError).toBeLessThan(0.01);
    }
    const occ = await computeAttribution(model, digit(0), { method: "occlusion", targetClass: 7 });
    expect(occ.values.some((v) => v !== 0)).toBe(true);
    model.dispose();
  });
});

import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { createModel, createProbeModel, hiddenDenseLayers, MAX_BLOCK_VALUES } from "../../lib/model/create";
import { summarizeModel, totalParams } from "../../lib/model/summary";
import { parseTrainConfig } from "../../lib/core/train-config";

describe("createModel", () => {
  it("builds the seed network with 932,362 parameters and the seed's summary rows", () => {
    const model = createModel(parseTrainConfig({}).architecture, 42);
    const rows = summarizeModel(model);
    expect(totalParams(rows)).toBe(932_362);
    expect(rows).toEqual([
      { name: "flatten_1", type: "Flatten", outputShape: [784], params: 0 },
      { name: "dense_1", type: "Dense", outputShape: [512], params: 401_920 },
      { name: "dropout_1", type: "Dropout", outputShape: [512], params: 0 },
      { name: "dense_2", type: "Dense", outputShape: [512], params: 262_656 },
      { name: "dropout_2", type: "Dropout", outputShape: [512], params: 0 },
      { name: "dense_3", type: "Dense", outputShape: [512], params: 262_656 },
      { name: "dropout_3", type: "Dropout", outputShape: [512], params: 0 },
      { name: "dense_4", type: "Dense", outputShape: [10], params: 5130 },
    ]);
    expect(hiddenDenseLayers(model).map((l) => l.name)).toEqual(["dense_1", "dense_2", "dense_3"]);
    model.dispose();
  });

  it("builds the CNN preset (conv 32 → pool → conv 64 → pool → dense 128 → dense 10)", () => {
    const model = createModel({ kind: "cnn", filters: [32, 64], dense: 128, dropout: 0.5 }, 1);
    const rows = summarizeModel(model);
    expect(rows.map((r) => r.type)).toEqual([
      "Reshape",
      "Conv2D",
      "MaxPooling2D",
      "Conv2D",
      "MaxPooling2D",
      "Flatten",
      "Dense",
      "Dropout",
      "Dense",
    ]);
    expect(rows.find((r) => r.name === "conv2d_1")!.params).toBe(3 * 3 * 32 + 32);
    expect(rows.find((r) => r.name === "flatten_1")!.outputShape).toEqual([5 * 5 * 64]);
    expect(totalParams(rows)).toBe(320 + 18_496 + 1600 * 128 + 128 + 1290);
    model.dispose();
  });

  it("gives identical initial weights for the same seed and different ones for another", async () => {
    const arch = parseTrainConfig({}).architecture;
    const [a, b, c] = [createModel(arch, 5), createModel(arch, 5), createModel(arch, 6)];
    const first = (m: typeof a) => m.getWeights()[0]!.data();
    expect(await first(a)).toEqual(await first(b));
    expect(await first(a)).not.toEqual(await first(c));
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe("createProbeModel", () => {
  const cnnPreset = { kind: "cnn" as const, filters: [32, 64] as [number, number], dense: 128, dropout: 0.5 };

  it("records the seed MLP's three hidden Dense layers and nothing else", () => {
    const model = createModel(parseTrainConfig({}).architecture, 42);
    const probe = createProbeModel(model);
    expect(probe.layers).toEqual([
      { name: "dense_1", width: 512 },
      { name: "dense_2", width: 512 },
      { name: "dense_3", width: 512 },
    ]);
    expect(probe.model.outputs.map((o) => o.shape)).toEqual([
      [null, 512],
      [null, 512],
      [null, 512],
      [null, 10],
    ]);
    model.dispose();
  });

  it("records the CNN preset's two conv blocks, the first pooled once more to 7×7×32, then its dense layer", () => {
    const model = createModel(cnnPreset, 1);
    const probe = createProbeModel(model);
    expect(probe.layers).toEqual([
      { name: "max_pooling2d_1 (pooled 2×2)", width: 7 * 7 * 32 },
      { name: "max_pooling2d_2", width: 5 * 5 * 64 },
      { name: "dense_1", width: 128 },
    ]);
    expect(probe.model.outputs.map((o) => o.shape)).toEqual([
      [null, 1568],
      [null, 1600],
      [null, 128],
      [null, 10],
    ]);
    model.dispose();
  });

  it("keeps the CNN preset's embeddings within 32 MB per epoch at the default probe of 2,000 digits", () => {
    const model = createModel(cnnPreset, 1);
    const { layers } = createProbeModel(model);
    const bytes = 2000 * 4 * layers.reduce((sum, l) => sum + l.width, 0);
    expect(bytes).toBe(26_368_000);
    expect(bytes).toBeLessThanOrEqual(32_000_000);
    expect(Math.max(...layers.map((l) => l.width))).toBeLessThanOrEqual(MAX_BLOCK_VALUES);
    model.dispose();
  });

  it("reduces a block larger than the budget until it fits, naming how far it was pooled", () => {
    // 13×13×64 = 10,816 values: pooled to 7×7×64 = 3,136, still too many, then to 4×4×64 = 1,024.
    const model = createModel({ ...cnnPreset, filters: [64, 8] }, 1);
    const { layers } = createProbeModel(model);
    expect(layers[0]).toEqual({ name: "max_pooling2d_1 (pooled 4×4)", width: 4 * 4 * 64 });
    expect(layers[1]).toEqual({ name: "max_pooling2d_2", width: 5 * 5 * 8 });
    model.dispose();
  });

  it("outputs the blocks' pooled activations, flattened, and the same softmax as the model", async () => {
    const model = createModel(cnnPreset, 3);
    const probe = createProbeModel(model);
    const x = tf.randomUniform([3, 28, 28], 0, 1, "float32", 7);
    const [block1, block2, dense, probs] = probe.model.predict(x) as tf.Tensor[];
    const expected = tf.tidy(() => {
      let h: tf.Tensor = x;
      const outputs: Record<string, tf.Tensor> = {};
      for (const layer of model.layers) {
        h = layer.apply(h, { training: false }) as tf.Tensor;
        outputs[layer.name] = h;
      }
      const first = tf.maxPool(outputs["max_pooling2d_1"] as tf.Tensor4D, 2, 2, "same");
      return [first, outputs["max_pooling2d_2"]!, outputs["dense_1"]!, h].map((t) => t.reshape([3, -1]));
    });
    const actual = [block1!, block2!, dense!, probs!];
    for (const [i, t] of actual.entries()) {
      expect(t.shape).toEqual(expected[i]!.shape);
      const [a, e] = [await t.data(), await expected[i]!.data()];
      expect(Math.max(...a.map((v, k) => Math.abs(v - e[k]!)))).toBeLessThan(1e-6);
    }
    tf.dispose([x, ...actual, ...expected]);
    model.dispose();
  });
});

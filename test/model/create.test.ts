import { describe, expect, it } from "vitest";
import { createModel, hiddenDenseLayers } from "../../lib/model/create";
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

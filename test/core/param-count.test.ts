import { describe, expect, it } from "vitest";
import { createModel } from "../../lib/model/create";
import { countParams, forwardFlopsPerDigit } from "../../lib/core/param-count";
import type { Architecture } from "../../lib/core/train-config";

const ARCHITECTURES: Architecture[] = [
  { kind: "mlp", hidden: [512, 512, 512], dropout: 0.2 },
  { kind: "mlp", hidden: [7], dropout: 0 },
  { kind: "mlp", hidden: [300, 100, 50, 20], dropout: 0.5 },
  { kind: "cnn", filters: [32, 64], dense: 128, dropout: 0.5 },
  { kind: "cnn", filters: [3, 5], dense: 11, dropout: 0 },
];

describe("countParams", () => {
  it("gives the seed MLP's 932,362 parameters, as the README and Keras' summary state", () => {
    expect(countParams({ kind: "mlp", hidden: [512, 512, 512], dropout: 0.2 })).toBe(932_362);
  });

  it("gives the CNN preset's 225,034 parameters", () => {
    expect(countParams({ kind: "cnn", filters: [32, 64], dense: 128, dropout: 0.5 })).toBe(225_034);
  });

  it.each(ARCHITECTURES.map((a) => [JSON.stringify(a), a] as const))(
    "equals tfjs' countParams() for %s",
    (_, architecture) => {
      const model = createModel(architecture, 1);
      expect(countParams(architecture)).toBe(model.countParams());
      model.dispose();
    },
  );
});

describe("forwardFlopsPerDigit", () => {
  it("counts two operations per multiply-add of the seed MLP's dense layers", () => {
    expect(forwardFlopsPerDigit({ kind: "mlp", hidden: [512, 512, 512], dropout: 0.2 })).toBe(
      2 * (784 * 512 + 512 * 512 * 2 + 512 * 10),
    );
  });

  it("counts the CNN's convolutions over their 26x26 and 11x11 outputs", () => {
    const conv = 2 * 26 * 26 * 32 * 9 + 2 * 11 * 11 * 64 * 9 * 32;
    expect(forwardFlopsPerDigit({ kind: "cnn", filters: [32, 64], dense: 128, dropout: 0.5 })).toBe(
      conv + 2 * (1600 * 128 + 128 * 10),
    );
  });
});

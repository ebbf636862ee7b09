import { describe, expect, it } from "vitest";
import { alignEpochs, diffRows, flattenConfig, runColour } from "../../lib/chart/run-diff";
import { layoutCurves } from "../../lib/chart/curves";

describe("run comparison helpers", () => {
  it("flattenConfig turns nested objects into dotted keys and keeps arrays as one value", () => {
    expect(
      flattenConfig({
        epochs: 2,
        optimizer: { name: "adam", learningRate: 0.01 },
        architecture: { kind: "mlp", hidden: [512, 256] },
        shuffle: true,
      }),
    ).toEqual({
      epochs: "2",
      "optimizer.name": "adam",
      "optimizer.learningRate": "0.01",
      "architecture.kind": "mlp",
      "architecture.hidden": "[512, 256]",
      shuffle: "true",
    });
    expect(flattenConfig(null)).toEqual({});
    expect(flattenConfig([1, 2])).toEqual({});
  });

  it("diffRows lists the union of keys in first-seen order and marks the ones that differ", () => {
    const rows = diffRows(
      [
        { name: "a", epochs: "2", seed: "1" },
        { name: "b", epochs: "2", batch: "64" },
      ],
      ["name"],
    );
    expect(rows).toEqual([
      { key: "epochs", values: ["2", "2"], differs: false },
      { key: "seed", values: ["1", null], differs: true },
      { key: "batch", values: [null, "64"], differs: true },
    ]);
  });

  it("alignEpochs places each run's values on one 1..max epoch axis with gaps", () => {
    const { epochs, values } = alignEpochs([
      { epochs: [1, 2], values: [0.5, 0.3] },
      { epochs: [1, 2, 3], values: [0.6, 0.4, 0.2] },
    ]);
    expect(epochs).toEqual([1, 2, 3]);
    expect(values).toEqual([
      [0.5, 0.3, null],
      [0.6, 0.4, 0.2],
    ]);
    expect(alignEpochs([])).toEqual({ epochs: [], values: [] });
  });

  it("runColour gives each compared run its own colour", () => {
    expect(new Set([0, 1, 2].map(runColour)).size).toBe(3);
  });

  it("a count chart starts at zero and labels its axis with whole numbers only", () => {
    const layout = layoutCurves({
      epochs: [1, 2, 3],
      epochsPlanned: 3,
      kind: "count",
      series: [{ key: "ab", label: "4→9", values: [3, 1, 2] }],
    });
    expect(layout.yTicks[0]!.value).toBe(0);
    expect(layout.yTicks.every((t) => Number.isInteger(t.value))).toBe(true);
    expect(layout.yTicks.at(-1)!.value).toBeGreaterThanOrEqual(3);
  });
});

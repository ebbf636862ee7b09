import { describe, expect, it } from "vitest";
import { layoutCurves, nearestEpoch } from "../../lib/chart/curves";

const base = {
  epochs: [1, 2, 3],
  epochsPlanned: 16,
  series: [
    { key: "train", label: "training", values: [0.9, 0.5, 0.3] },
    { key: "val", label: "validation", values: [0.6, 0.4, 0.45] },
  ],
};

describe("layoutCurves", () => {
  it("spans the x axis over the planned epochs so a live chart does not rescale as epochs arrive", () => {
    const layout = layoutCurves({ ...base, kind: "loss" });
    expect(layout.xDomain).toEqual([1, 16]);
    const p3 = layout.series[0]!.points[2]!;
    const right = layout.width - layout.margin.right;
    expect(p3.x).toBeCloseTo(layout.margin.left + ((3 - 1) / 15) * (right - layout.margin.left), 9);
  });

  it("starts a loss axis at zero and keeps every value inside the plot", () => {
    const layout = layoutCurves({ ...base, kind: "loss" });
    expect(layout.yTicks[0]!.value).toBe(0);
    for (const s of layout.series) {
      for (const p of s.points) {
        expect(p.y).toBeGreaterThanOrEqual(layout.margin.top);
        expect(p.y).toBeLessThanOrEqual(layout.height - layout.margin.bottom);
      }
    }
  });

  it("ends an accuracy axis at 100%", () => {
    const layout = layoutCurves({
      ...base,
      kind: "accuracy",
      series: [{ key: "train", label: "t", values: [0.8, 0.9, 0.95] }],
    });
    expect(layout.yTicks.at(-1)!.value).toBe(1);
  });

  it("marks the best epoch only when it has been recorded", () => {
    expect(layoutCurves({ ...base, kind: "loss", bestEpoch: 2 }).bestX).not.toBeNull();
    expect(layoutCurves({ ...base, kind: "loss", bestEpoch: 7 }).bestX).toBeNull();
    expect(layoutCurves({ ...base, kind: "loss", bestEpoch: null }).bestX).toBeNull();
  });

  it("leaves gaps for missing values instead of drawing them at zero", () => {
    const layout = layoutCurves({
      ...base,
      kind: "loss",
      series: [{ key: "val", label: "v", values: [0.5, Number.NaN, 0.4] }],
    });
    expect(layout.series[0]!.points.map((p) => p.epoch)).toEqual([1, 3]);
  });

  it("draws an empty chart with axes before the first epoch", () => {
    const layout = layoutCurves({
      epochs: [],
      epochsPlanned: 1,
      series: [{ key: "train", label: "t", values: [] }],
      kind: "loss",
    });
    expect(layout.xDomain).toEqual([0.5, 1.5]);
    expect(layout.yTicks.length).toBeGreaterThan(1);
    expect(layout.series[0]!.path).toBe("");
  });
});

describe("nearestEpoch", () => {
  it("returns the recorded epoch closest to a pointer position, or null with none", () => {
    const layout = layoutCurves({ ...base, kind: "loss", epochsPlanned: 3 });
    const x2 = layout.series[0]!.points[1]!.x;
    expect(nearestEpoch(layout, base.epochs, x2 + 3)).toBe(2);
    expect(nearestEpoch(layout, base.epochs, 10_000)).toBe(3);
    expect(nearestEpoch(layout, [], x2)).toBeNull();
  });
});

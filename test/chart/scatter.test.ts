import { describe, expect, it } from "vitest";
import {
  ALL_CLASSES,
  CLASS_COLOURS,
  classCounts,
  classesOf,
  fitAffine,
  framePosition,
  indexPoints,
  interpolateLayouts,
  invertBox,
  invertPoint,
  layoutBounds,
  layoutChecksum,
  nearestPoint,
  pointRadius,
  rowsInBox,
  visibleRows,
  zoomAffine,
} from "../../lib/chart/scatter";

const layout = (...xy: number[]) => Float32Array.from(xy);

describe("layoutBounds", () => {
  it("spans every point of every layout of a series and skips non-finite coordinates", () => {
    expect(layoutBounds([layout(0, 0, 2, -1), layout(-3, 5, NaN, 100)])).toEqual({ x0: -3, y0: -1, x1: 2, y1: 5 });
  });

  it("is null when there is no point", () => {
    expect(layoutBounds([new Float32Array(0)])).toBeNull();
  });
});

describe("fitAffine", () => {
  it("keeps the aspect ratio and centres the layout inside the padding", () => {
    const a = fitAffine({ x0: 0, y0: 0, x1: 10, y1: 5 }, 220, 220, 10);
    expect(a.bx).toBeCloseTo(20, 9);
    expect(a.by).toBeCloseTo(-20, 9);
    // x from 10 to 210, y (upwards) centred: 5 data units = 100 px around 110.
    expect([a.ax + a.bx * 0, a.ax + a.bx * 10]).toEqual([10, 210]);
    expect([a.ay + a.by * 0, a.ay + a.by * 5]).toEqual([160, 60]);
  });

  it("maps a single point (an empty extent) to the middle instead of dividing by zero", () => {
    const a = fitAffine({ x0: 3, y0: 3, x1: 3, y1: 3 }, 100, 80, 8);
    expect(a.ax + a.bx * 3).toBeCloseTo(50, 6);
    expect(a.ay + a.by * 3).toBeCloseTo(40, 6);
  });
});

describe("zoomAffine and the inverses", () => {
  const base = fitAffine({ x0: -1, y0: -1, x1: 1, y1: 1 }, 200, 200, 0);
  const zoomed = zoomAffine(base, { k: 2, x: -50, y: 30 });

  it("applies d3-zoom's transform after the base frame", () => {
    const [x, y] = [0.25, -0.5];
    expect(zoomed.ax + zoomed.bx * x).toBeCloseTo(-50 + 2 * (base.ax + base.bx * x), 9);
    expect(zoomed.ay + zoomed.by * y).toBeCloseTo(30 + 2 * (base.ay + base.by * y), 9);
  });

  it("inverts a screen point back to the data point", () => {
    const [x, y] = invertPoint(zoomed, zoomed.ax + zoomed.bx * 0.3, zoomed.ay + zoomed.by * 0.7);
    expect(x).toBeCloseTo(0.3, 9);
    expect(y).toBeCloseTo(0.7, 9);
  });

  it("turns a screen box dragged in any direction into ordered data bounds", () => {
    const b = invertBox(base, 150, 50, 50, 150);
    expect(b.x0).toBeCloseTo(-0.5, 9);
    expect(b.x1).toBeCloseTo(0.5, 9);
    expect(b.y0).toBeCloseTo(-0.5, 9);
    expect(b.y1).toBeCloseTo(0.5, 9);
  });
});

describe("pointRadius", () => {
  it("is 4 px for a few hundred points, 2 px from about 2,000 and grows with zoom up to 2.5×", () => {
    expect(pointRadius(300)).toBe(4);
    expect(pointRadius(10_000)).toBe(2);
    expect(pointRadius(2025)).toBeCloseTo(2, 9);
    expect(pointRadius(10_000, 4)).toBe(4);
    expect(pointRadius(10_000, 100)).toBe(5);
  });
});

describe("interpolateLayouts and framePosition", () => {
  it("blends two layouts linearly and clamps t to 0..1", () => {
    const [a, b] = [layout(0, 0, 10, 10), layout(10, -10, 10, 20)];
    expect(Array.from(interpolateLayouts(a, b, 0.25))).toEqual([2.5, -2.5, 10, 12.5]);
    expect(Array.from(interpolateLayouts(a, b, 7))).toEqual(Array.from(b));
  });

  it("writes into a given buffer and refuses layouts of different sizes", () => {
    const out = new Float32Array(2);
    expect(interpolateLayouts(layout(0, 0), layout(2, 4), 0.5, out)).toBe(out);
    expect(() => interpolateLayouts(layout(0, 0), layout(1, 1, 2, 2), 0.5)).toThrow(
      "layouts differ in size: 1 and 2 points",
    );
  });

  it("splits a fractional position into the two frames around it, clamped to the series", () => {
    expect(framePosition(2.25, 5)).toEqual({ lower: 2, upper: 3, t: 0.25 });
    expect(framePosition(4, 5)).toEqual({ lower: 4, upper: 4, t: 0 });
    expect(framePosition(-1, 5)).toEqual({ lower: 0, upper: 1, t: 0 });
    expect(framePosition(0, 1)).toEqual({ lower: 0, upper: 0, t: 0 });
    expect(() => framePosition(0, 0)).toThrow("a series needs at least one frame (got 0)");
  });
});

describe("class filter", () => {
  const labels = Uint8Array.from([4, 9, 1, 4, 7, 9, 0]);

  it("keeps the rows of the chosen classes, in row order", () => {
    expect(Array.from(visibleRows(labels, (1 << 4) | (1 << 9)))).toEqual([0, 1, 3, 5]);
    expect(visibleRows(labels, ALL_CLASSES)).toHaveLength(7);
    expect(visibleRows(labels, 0)).toHaveLength(0);
  });

  it("lists a mask's classes and counts rows per class", () => {
    expect(classesOf((1 << 4) | (1 << 9))).toEqual([4, 9]);
    expect(classCounts(labels, [0, 1, 3, 5, 6])).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 0, 2]);
  });

  it("has ten distinct colours", () => {
    expect(new Set(CLASS_COLOURS).size).toBe(10);
  });
});

describe("rowsInBox", () => {
  it("returns the listed rows inside the box, edges included", () => {
    const coords = layout(0, 0, 1, 1, 2, 2, 1, 1.5, 5, 5);
    expect(rowsInBox(coords, [0, 1, 2, 3, 4], { x0: 1, y0: 1, x1: 2, y1: 2 })).toEqual([1, 2, 3]);
    // A row filtered out (not listed) is not selected even inside the box.
    expect(rowsInBox(coords, [0, 2, 4], { x0: 1, y0: 1, x1: 2, y1: 2 })).toEqual([2]);
  });
});

describe("nearestPoint", () => {
  const coords = layout(0, 0, 1, 0, 0, 1, 10, 10);
  const a = fitAffine({ x0: 0, y0: 0, x1: 10, y1: 10 }, 100, 100, 0);

  it("finds the point under the cursor among the indexed rows only", () => {
    const tree = indexPoints(coords, [0, 1, 2, 3]);
    expect(nearestPoint(tree, a, 10 + 1, 100 - 1, 5)).toBe(1);
    expect(nearestPoint(indexPoints(coords, [0, 2, 3]), a, 10 + 1, 100 - 1, 15)).toBe(0);
  });

  it("finds nothing farther than the radius in screen pixels, whatever the zoom", () => {
    const tree = indexPoints(coords, [0, 1, 2, 3]);
    expect(nearestPoint(tree, a, 50, 50, 5)).toBeNull();
    const zoomed = zoomAffine(a, { k: 8, x: 0, y: -700 });
    // Points 0 and 1 are now 80 px apart: 30 px from point 1 is outside a 20 px radius.
    expect(nearestPoint(tree, zoomed, 80 + 30, 100, 20)).toBeNull();
    expect(nearestPoint(tree, zoomed, 80 + 15, 100, 20)).toBe(1);
  });
});

describe("layoutChecksum", () => {
  it("is stable for equal layouts and changes when one coordinate moves", () => {
    expect(layoutChecksum(layout(1, 2, 3, 4))).toBe(layoutChecksum(layout(1, 2, 3, 4)));
    expect(layoutChecksum(layout(1, 2, 3, 4))).not.toBe(layoutChecksum(layout(1, 2, 3, 4.0001)));
    expect(layoutChecksum(new Float32Array(0))).toBe("811c9dc5");
  });
});

import { describe, expect, it } from "vitest";
import { layoutMarginHistogram, peakShare } from "../../lib/chart/margin-histogram";

const SIZE = { width: 200, height: 100, axis: 20 };

/** The y of every vertex of an SVG path (M/L/H/V/Z commands with absolute coordinates, as d3's area writes them). */
function vertexYs(path: string): number[] {
  return [...path.matchAll(/[ML]([-\d.e]+),([-\d.e]+)/g)].map((m) => Number(m[2]));
}

describe("the back-to-back margin histogram", () => {
  it("scales every epoch by the largest share of a class in one bin", () => {
    const epochs = [
      { countsA: [0, 2, 2], countsB: [3, 1, 0] },
      { countsA: [0, 0, 4], countsB: [4, 0, 0] },
    ];
    expect(peakShare(epochs, 4, 8)).toBe(1);
    expect(peakShare([epochs[0]!], 4, 8)).toBe(0.5);
    expect(peakShare([], 4, 8)).toBe(0);
  });

  it("draws class a above the baseline and class b below it, the peak bin at full half-height", () => {
    const plot = layoutMarginHistogram([0, 1, 3], [2, 0, 0], 4, 2, 1, SIZE);
    expect(plot.baselineY).toBe(40);
    expect(plot.zeroX).toBe(100);
    const ysA = vertexYs(plot.pathA);
    const ysB = vertexYs(plot.pathB);
    expect(Math.max(...ysA)).toBeLessThanOrEqual(40);
    expect(Math.min(...ysB)).toBeGreaterThanOrEqual(40);
    // b's 2 of 2 in the first bin: share 1 = the peak, 39 units below the baseline.
    expect(Math.max(...ysB)).toBeCloseTo(79, 9);
    // a's 3 of 4: share 0.75.
    expect(Math.min(...ysA)).toBeCloseTo(40 - 0.75 * 39, 9);
    expect(plot.ticks.map((t) => t.value)).toEqual([-1, 0, 1]);
  });

  it("draws nothing for a class without digits and rejects mismatched bins", () => {
    expect(layoutMarginHistogram([0, 0], [1, 0], 0, 1, 1, SIZE).pathA).toBe("");
    expect(() => layoutMarginHistogram([0, 0], [1], 1, 1, 1, SIZE)).toThrow("2 and 1 bins");
  });
});

import { describe, expect, it } from "vitest";
import { divergingFill, divergingRgba, formatDelta, layoutDifference, maxAbsolute } from "../../lib/chart/diverging";

describe("diverging colours", () => {
  it("divergingFill is near white at 0, blue at +1, red at -1, and clamps", () => {
    expect(divergingFill(0)).toBe("rgb(242, 239, 238)");
    expect(divergingFill(1)).toBe("rgb(5, 48, 97)");
    expect(divergingFill(-1)).toBe("rgb(103, 0, 31)");
    expect(divergingFill(5)).toBe(divergingFill(1));
    expect(divergingFill(Number.NaN)).toBe(divergingFill(0));
  });

  it("layoutDifference calls B better where it is more correct on the diagonal or makes fewer mistakes off it", () => {
    const diff = new Array<number>(100).fill(0);
    diff[4 * 10 + 4] = 8; // 8 more 4s right
    diff[4 * 10 + 9] = -8; // 8 fewer 4→9 mistakes
    diff[7 * 10 + 1] = 2; // 2 more 7→1 mistakes
    const cells = layoutDifference(diff);
    expect(cells[44]!.better).toBe(1);
    expect(cells[49]!.better).toBe(1);
    expect(cells[71]!.better).toBe(-1);
    expect(cells[0]!.better).toBe(0);
    expect(cells[44]!.fill).toBe(divergingFill(1));
    // √(2/8) = 0.5 of full saturation, on the red side.
    expect(cells[71]!.fill).toBe(divergingFill(-0.5));
    expect(cells[0]!.fill).toBe(divergingFill(0));
  });

  it("layoutDifference rejects a matrix that is not 10x10", () => {
    expect(() => layoutDifference([1, 2, 3])).toThrow("difference matrix has 3 cells, expected 100");
  });

  it("formatDelta signs counts with a true minus", () => {
    expect([formatDelta(3), formatDelta(-2), formatDelta(0)]).toEqual(["+3", "\u22122", "0"]);
  });

  it("divergingRgba writes opaque RGBA scaled so ±maxAbs saturate", () => {
    const out = divergingRgba([0.5, -0.5, 0], 0.5, new Uint8ClampedArray(12));
    expect(Array.from(out.subarray(0, 4))).toEqual([5, 48, 97, 255]);
    expect(Array.from(out.subarray(4, 8))).toEqual([103, 0, 31, 255]);
    expect(() => divergingRgba([1], 1, new Uint8ClampedArray(3))).toThrow("output has 3 bytes, expected 4");
  });

  it("maxAbsolute keeps a floor so a tiny difference is not blown up", () => {
    expect(maxAbsolute([0.01, -0.02], 0.05)).toBe(0.05);
    expect(maxAbsolute([0.3, -0.6])).toBeCloseTo(0.6);
  });
});

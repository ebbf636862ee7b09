import { describe, expect, it } from "vitest";
import {
  attributionScale,
  formatSigned,
  legendStops,
  overlayRgba,
  sharedMaxAbs,
  subtractMaps,
} from "../../lib/chart/attribution-overlay";

describe("attribution overlay", () => {
  it("attributionScale is centred at zero with a symmetric domain, positive blue and negative red", () => {
    const s = attributionScale(2);
    expect(s.domain()).toEqual([-2, 0, 2]);
    expect(s(0)).toBe(s(0.0));
    const [pos, neg] = [s(2), s(-2)].map((c) => c.match(/\d+/g)!.map(Number));
    expect(pos![2]).toBeGreaterThan(pos![0]!);
    expect(neg![0]).toBeGreaterThan(neg![2]!);
    expect(s(5)).toBe(s(2));
  });

  it("overlayRgba keeps the digit's gray where the value is 0 and shows the full colour at ±max", () => {
    const out = overlayRgba([200, 0, 100], [0, 3, -3], 3, new Uint8ClampedArray(12));
    expect(Array.from(out.slice(0, 4))).toEqual([200, 200, 200, 255]);
    const blue = attributionScale(3)(3).match(/\d+/g)!.map(Number);
    expect(Array.from(out.slice(4, 7))).toEqual(blue);
    expect(out[8]).toBeGreaterThan(out[10]!);
  });

  it("overlayRgba draws an all-zero map as the plain digit and rejects mismatched sizes", () => {
    const out = overlayRgba([10, 20], [0, 0], 0, new Uint8ClampedArray(8));
    expect(Array.from(out)).toEqual([10, 10, 10, 255, 20, 20, 20, 255]);
    expect(() => overlayRgba([1], [1, 2], 1, new Uint8ClampedArray(8))).toThrow("1 pixels for 2 values");
  });

  it("sharedMaxAbs, subtractMaps, legendStops and formatSigned", () => {
    expect(sharedMaxAbs([1, -4], [3])).toBe(4);
    expect(Array.from(subtractMaps([3, 1], [1, 2]))).toEqual([2, -1]);
    expect(legendStops(2).map((s) => s.value)).toEqual([-2, -1, 0, 1, 2]);
    expect(formatSigned(-0.01234)).toBe("\u22120.0123");
    expect(formatSigned(1.5)).toBe("+1.50");
  });
});

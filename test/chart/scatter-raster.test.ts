import { describe, expect, it } from "vitest";
import { blendStamp, discStamp, fillRgba, hexToRgb, ringStamp } from "../../lib/chart/scatter-raster";

const W = 20,
  H = 20;
const white = () => {
  const data = new Uint8ClampedArray(W * H * 4);
  fillRgba(data, [255, 255, 255]);
  return data;
};
const px = (data: Uint8ClampedArray, x: number, y: number) =>
  Array.from(data.subarray((y * W + x) * 4, (y * W + x) * 4 + 4));
/** Total coverage painted in black (255 - red channel, summed, / 255): the shape's area in pixels. */
const inkedArea = (data: Uint8ClampedArray) => {
  let s = 0;
  for (let i = 0; i < data.length; i += 4) s += 255 - data[i]!;
  return s / 255;
};

describe("hexToRgb and fillRgba", () => {
  it("parses #rrggbb and refuses anything else naming it", () => {
    expect(hexToRgb("#1f77b4")).toEqual([31, 119, 180]);
    expect(() => hexToRgb("steelblue")).toThrow('expected a colour like #1f77b4 (got "steelblue")');
  });

  it("fills every pixel with an opaque colour in RGBA order", () => {
    const data = new Uint8ClampedArray(3 * 4);
    fillRgba(data, [1, 2, 3]);
    expect(Array.from(data)).toEqual([1, 2, 3, 255, 1, 2, 3, 255, 1, 2, 3, 255]);
  });
});

describe("discStamp and blendStamp", () => {
  it("paints a disc whose area is πr² within half a pixel of perimeter, centred where asked", () => {
    for (const [cx, cy, r] of [
      [10, 10, 2],
      [9.3, 10.7, 3],
      [10.5, 10.5, 4.5],
    ] as const) {
      const data = white();
      blendStamp(data, W, H, cx, cy, discStamp(r), [0, 0, 0], 1);
      expect(Math.abs(inkedArea(data) - Math.PI * r * r)).toBeLessThan(Math.PI * r);
      expect(px(data, Math.floor(cx), Math.floor(cy))).toEqual([0, 0, 0, 255]);
    }
  });

  it("blends with alpha over what is there and leaves far pixels alone", () => {
    const data = white();
    blendStamp(data, W, H, 10.5, 10.5, discStamp(2), [0, 0, 255], 0.5);
    expect(px(data, 10, 10)).toEqual([128, 128, 255, 255]);
    expect(px(data, 0, 0)).toEqual([255, 255, 255, 255]);
  });

  it("clips at the buffer's edges", () => {
    const data = white();
    // Centred on a stamp phase (an eighth of a pixel in), the visible part is a quarter disc plus two thin strips.
    blendStamp(data, W, H, 0.125, 0.125, discStamp(3), [0, 0, 0], 1);
    blendStamp(data, W, H, 100, 100, discStamp(3), [0, 0, 0], 1);
    blendStamp(data, W, H, -50, 10, discStamp(3), [0, 0, 0], 1);
    expect(Math.abs(inkedArea(data) - ((Math.PI * 9) / 4 + 2 * 3 * 0.125))).toBeLessThan(0.3);
  });
});

describe("ringStamp", () => {
  it("paints a ring of area 2πr·width and leaves its centre empty", () => {
    const data = white();
    blendStamp(data, W, H, 10, 10, ringStamp(5, 1), [0, 0, 0], 1);
    expect(Math.abs(inkedArea(data) - 2 * Math.PI * 5)).toBeLessThan(2);
    expect(px(data, 10, 10)).toEqual([255, 255, 255, 255]);
  });
});

describe("sub-pixel placement", () => {
  it("moves a disc's centre of mass with its centre to within a quarter pixel", () => {
    const centroid = (cx: number) => {
      const data = white();
      blendStamp(data, W, H, cx, 10, discStamp(2), [0, 0, 0], 1);
      let m = 0,
        s = 0;
      for (let x = 0; x < W; x++) {
        for (let y = 0; y < H; y++) {
          const ink = 255 - px(data, x, y)[0]!;
          m += ink * (x + 0.5);
          s += ink;
        }
      }
      return m / s;
    };
    for (const cx of [10, 10.3, 10.6, 10.9]) expect(Math.abs(centroid(cx) - cx)).toBeLessThanOrEqual(0.25);
  });

  it("refuses a stamp too large for its offsets, naming the size", () => {
    expect(() => discStamp(200)).toThrow("a stamp reaches at most 120 pixels from its centre (got 201)");
  });
});

import { describe, expect, it } from "vitest";
import { DIGIT_PIXELS, digitToRgba, grayFill, pixelTextFill, seedThreshold } from "../../lib/chart/pixels";

describe("the seed's pixel heatmap rules", () => {
  it("sets the text threshold at the brightest pixel / 2.5", () => {
    expect(seedThreshold([0, 10, 255, 3])).toBe(102);
    expect(seedThreshold([])).toBe(0);
  });

  it("writes white text on cells darker than the threshold and black text on the others", () => {
    expect(pixelTextFill(0, 102)).toBe("white");
    expect(pixelTextFill(101, 102)).toBe("white");
    expect(pixelTextFill(102, 102)).toBe("black");
    expect(pixelTextFill(255, 102)).toBe("black");
  });

  it("maps values to gray, clamped to 0..255", () => {
    expect(grayFill(0)).toBe("rgb(0,0,0)");
    expect(grayFill(300)).toBe("rgb(255,255,255)");
  });
});

describe("digitToRgba", () => {
  it("copies digit k of a [n, 784] buffer into opaque gray RGBA", () => {
    const pixels = new Uint8Array(2 * DIGIT_PIXELS);
    pixels[DIGIT_PIXELS + 5] = 200;
    const out = digitToRgba(pixels, 1, new Uint8ClampedArray(DIGIT_PIXELS * 4));
    expect(Array.from(out.subarray(20, 24))).toEqual([200, 200, 200, 255]);
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 0, 0, 255]);
  });

  it("rejects a digit outside the buffer, naming how many it holds", () => {
    expect(() => digitToRgba(new Uint8Array(DIGIT_PIXELS), 1, new Uint8ClampedArray(DIGIT_PIXELS * 4))).toThrow(
      "digit 1 is outside a buffer of 1 digits",
    );
  });
});

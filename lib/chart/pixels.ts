// The seed's 28x28 pixel-value heatmap and digit thumbnails: thresholds, text colours, RGBA conversion.

export const DIGIT_SIDE = 28;
export const DIGIT_PIXELS = DIGIT_SIDE * DIGIT_SIDE;

/** The seed notebook's threshold for the value text: max pixel / 2.5. */
export function seedThreshold(pixels: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < pixels.length; i++) m = Math.max(m, pixels[i]!);
  return m / 2.5;
}

/** Gray colormap (0 black, 255 white) as a CSS colour. */
export function grayFill(value: number): string {
  const v = Math.max(0, Math.min(255, Math.round(value)));
  return `rgb(${v},${v},${v})`;
}

/** The seed's rule: white text on cells below the threshold (dark), black text on the others. */
export function pixelTextFill(value: number, threshold: number): "white" | "black" {
  return value < threshold ? "white" : "black";
}

/**
 * Writes digit `digit` of `pixels` ([n, 784] bytes) as opaque gray RGBA into `out` ([784 * 4]),
 * e.g. an ImageData buffer; white strokes on black, as the seed's imshow(cmap="gray") shows them.
 */
export function digitToRgba(pixels: Uint8Array, digit: number, out: Uint8ClampedArray): Uint8ClampedArray {
  const start = digit * DIGIT_PIXELS;
  if (start < 0 || start + DIGIT_PIXELS > pixels.length) {
    throw new RangeError(`digit ${digit} is outside a buffer of ${pixels.length / DIGIT_PIXELS} digits`);
  }
  if (out.length !== DIGIT_PIXELS * 4)
    throw new RangeError(`output has ${out.length} bytes, expected ${DIGIT_PIXELS * 4}`);
  for (let i = 0; i < DIGIT_PIXELS; i++) {
    const v = pixels[start + i]!;
    out[i * 4] = v;
    out[i * 4 + 1] = v;
    out[i * 4 + 2] = v;
    out[i * 4 + 3] = 255;
  }
  return out;
}

// Separable Gaussian blur of a square image on a black (zero) surround: the blurred baseline of an attribution.

/**
 * Blurs `image` [side * side] (row-major) with a Gaussian of standard deviation `sigma` pixels (> 0), truncated at
 * 3σ and normalised over the whole kernel, so ink near the border partly leaves the frame as it would leave a larger
 * black canvas. Returns a new array.
 */
export function gaussianBlur(image: Float32Array, side: number, sigma: number): Float32Array {
  if (image.length !== side * side) throw new RangeError(`image has ${image.length} values, expected ${side * side}`);
  if (!(sigma > 0)) throw new RangeError(`sigma must be > 0, got ${sigma}`);
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let k = -radius; k <= radius; k++) total += kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
  for (let k = 0; k < kernel.length; k++) kernel[k]! /= total;
  const rows = new Float32Array(image.length);
  const out = new Float32Array(image.length);
  for (let r = 0; r < side; r++)
    for (let c = 0; c < side; c++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) {
        const cc = c + k;
        if (cc >= 0 && cc < side) s += kernel[k + radius]! * image[r * side + cc]!;
      }
      rows[r * side + c] = s;
    }
  for (let r = 0; r < side; r++)
    for (let c = 0; c < side; c++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) {
        const rr = r + k;
        if (rr >= 0 && rr < side) s += kernel[k + radius]! * rows[rr * side + c]!;
      }
      out[r * side + c] = s;
    }
  return out;
}

// A drawn digit made the way MNIST's were: ink's bounding box scaled to fit 20 × 20 (aspect kept, area-averaged),
// then placed in 28 × 28 so its centre of mass sits at the middle (LeCun et al., the MNIST page).
import { IMAGE_PIXELS, IMAGE_SIDE } from "../../core/constants";

/** A grey image of ink amounts in 0..1 (0 = paper), row-major [height, width]. */
export interface InkImage {
  data: Float32Array;
  width: number;
  height: number;
}

/** Inclusive pixel box [x0..x1] × [y0..y1]. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** MNIST's normalised digits fit a 20 × 20 box inside the 28 × 28 field. */
export const FIT_SIDE = 20;

/** Ink at or below this counts as paper when finding the bounding box: canvas anti-aliasing leaves faint fringes. */
export const INK_THRESHOLD = 0.02;

function checkImage(image: InkImage, name: string): void {
  const { data, width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RangeError(`${name}: width and height must be positive integers (got ${width} × ${height})`);
  if (data.length !== width * height)
    throw new RangeError(`${name}: data has ${data.length} values, expected ${width} × ${height}`);
}

/** The smallest box holding every pixel whose ink exceeds `threshold`, or null for a blank image. */
export function inkBoundingBox(image: InkImage, threshold = INK_THRESHOLD): PixelBox | null {
  checkImage(image, "inkBoundingBox");
  const { data, width, height } = image;
  let x0 = width,
    y0 = height,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!(data[y * width + x]! > threshold)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : { x0, y0, x1, y1 };
}

/**
 * Area-averaging weights of one axis: output pixel o covers input [o / s, (o + 1) / s) of a `length`-pixel span;
 * weights[o] lists (input pixel, overlap in input pixels) pairs. Every input pixel's overlaps sum to 1, which is
 * what keeps the ink: sum(out) = s² · sum(in).
 */
function axisWeights(length: number, scale: number): { outLength: number; pairs: Array<Array<[number, number]>> } {
  const outLength = Math.max(1, Math.ceil(length * scale - 1e-9));
  const pairs: Array<Array<[number, number]>> = [];
  for (let o = 0; o < outLength; o++) {
    const a = o / scale,
      b = Math.min(length, (o + 1) / scale);
    const row: Array<[number, number]> = [];
    for (let i = Math.floor(a); i < b && i < length; i++) {
      const overlap = Math.min(b, i + 1) - Math.max(a, i);
      if (overlap > 0) row.push([i, overlap]);
    }
    pairs.push(row);
  }
  return { outLength, pairs };
}

/**
 * The `box` of `image` scaled by one factor so its longer side is `side` pixels (aspect kept), each output pixel the
 * mean ink of the input area it covers (anti-aliasing by area averaging, in either direction). The shorter side is
 * ceil(length × scale) pixels, the last one partly covered.
 */
export function resampleToFit(image: InkImage, box: PixelBox, side = FIT_SIDE): InkImage & { scale: number } {
  checkImage(image, "resampleToFit");
  if (!Number.isInteger(side) || side < 1) throw new RangeError(`side must be a positive integer (got ${side})`);
  const w = box.x1 - box.x0 + 1,
    h = box.y1 - box.y0 + 1;
  if (box.x0 < 0 || box.y0 < 0 || box.x1 >= image.width || box.y1 >= image.height || w < 1 || h < 1)
    throw new RangeError(`box ${JSON.stringify(box)} is not inside the ${image.width} × ${image.height} image`);
  const scale = side / Math.max(w, h);
  const xs = axisWeights(w, scale),
    ys = axisWeights(h, scale);
  // Columns first: [h, outW], then rows: [outH, outW]; the mean is the overlap-weighted sum times scale per axis.
  const across = new Float32Array(h * xs.outLength);
  for (let y = 0; y < h; y++) {
    const src = (box.y0 + y) * image.width + box.x0;
    for (let o = 0; o < xs.outLength; o++) {
      let sum = 0;
      for (const [i, overlap] of xs.pairs[o]!) sum += image.data[src + i]! * overlap;
      across[y * xs.outLength + o] = sum * scale;
    }
  }
  const out = new Float32Array(ys.outLength * xs.outLength);
  for (let o = 0; o < ys.outLength; o++) {
    for (const [i, overlap] of ys.pairs[o]!) {
      const weight = overlap * scale;
      for (let x = 0; x < xs.outLength; x++) out[o * xs.outLength + x]! += across[i * xs.outLength + x]! * weight;
    }
  }
  return { data: out, width: xs.outLength, height: ys.outLength, scale };
}

/** Ink-weighted mean pixel position (pixel (x, y)'s centre is at x, y); null when there is no ink. */
export function centreOfMass(image: InkImage): { x: number; y: number } | null {
  checkImage(image, "centreOfMass");
  let total = 0,
    sx = 0,
    sy = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const v = image.data[y * image.width + x]!;
      total += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return total > 0 ? { x: sx / total, y: sy / total } : null;
}

/**
 * `image` pasted into a `side` × `side` field shifted by whole pixels so its centre of mass lands within half a
 * pixel of (side / 2, side / 2), as MNIST did (a whole-pixel shift keeps the grey levels); ink shifted past the edge
 * is cut off.
 */
export function placeByCentreOfMass(image: InkImage, side = IMAGE_SIDE): Float32Array {
  const out = new Float32Array(side * side);
  const com = centreOfMass(image);
  if (!com) return out;
  const dx = Math.round(side / 2 - com.x),
    dy = Math.round(side / 2 - com.y);
  for (let y = 0; y < image.height; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= side) continue;
    for (let x = 0; x < image.width; x++) {
      const tx = x + dx;
      if (tx >= 0 && tx < side) out[ty * side + tx] = image.data[y * image.width + x]!;
    }
  }
  return out;
}

/** A drawing as the network sees it: float32 [784] in 0..1 (MNIST's 28 × 28, row-major), or null when blank. */
export function preprocessDrawing(image: InkImage, threshold = INK_THRESHOLD): Float32Array | null {
  const box = inkBoundingBox(image, threshold);
  if (!box) return null;
  const fitted = resampleToFit(image, box, FIT_SIDE);
  for (let i = 0; i < fitted.data.length; i++) fitted.data[i] = Math.min(1, fitted.data[i]!);
  return placeByCentreOfMass(fitted, IMAGE_SIDE);
}

/**
 * A 28 × 28 digit (uint8 0..255 or floats 0..1, per `max`) blown up `factor` times with square pixels: what the
 * canvas shows when a test digit is loaded into it, [28·factor, 28·factor].
 */
export function upscaleDigit(pixels: ArrayLike<number>, factor: number, max = 255): InkImage {
  if (pixels.length !== IMAGE_PIXELS) throw new RangeError(`a digit has ${IMAGE_PIXELS} pixels (got ${pixels.length})`);
  if (!Number.isInteger(factor) || factor < 1)
    throw new RangeError(`factor must be a positive integer (got ${factor})`);
  const side = IMAGE_SIDE * factor;
  const data = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    const row = Math.floor(y / factor) * IMAGE_SIDE;
    for (let x = 0; x < side; x++) data[y * side + x] = pixels[row + Math.floor(x / factor)]! / max;
  }
  return { data, width: side, height: side };
}

/** The ink of an RGBA buffer's alpha channel (a canvas drawn with opaque ink on a transparent background). */
export function inkFromAlpha(rgba: Uint8ClampedArray, width: number, height: number): InkImage {
  if (rgba.length !== width * height * 4)
    throw new RangeError(`rgba has ${rgba.length} bytes, expected ${width} × ${height} × 4`);
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4 + 3]! / 255;
  return { data, width, height };
}

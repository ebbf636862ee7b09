// Scatter marks rasterised into an RGBA buffer from precomputed anti-aliased stamps (faster than canvas paths without a GPU).

export type Rgb = readonly [number, number, number];

/** "#1f77b4" → [31, 119, 180]. */
export function hexToRgb(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`expected a colour like #1f77b4 (got "${hex}")`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

/** An RGBA buffer [height, width, 4] (an ImageData's) filled with one opaque colour. */
export function fillRgba(data: Uint8ClampedArray, rgb: Rgb): void {
  const packed = new Uint32Array(data.buffer, data.byteOffset, data.byteLength >> 2);
  // ImageData is RGBA in memory; on little-endian machines (every browser target) that is 0xAABBGGRR as a uint32.
  packed.fill(((255 << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]) >>> 0);
}

/** Sub-pixel positions per axis a stamp is precomputed for: quarter pixels, so moving points glide instead of snapping. */
const PHASES = 4;

/**
 * A shape's pixel coverage around a centre at each of PHASES × PHASES sub-pixel offsets: for phase p, the pixels
 * (dx[k], dy[k]) relative to the centre's pixel with coverage cover[k] in 0..1, for k in start[p]..start[p + 1].
 */
export interface Stamp {
  extent: number;
  start: Int32Array;
  dx: Int8Array;
  dy: Int8Array;
  cover: Float32Array;
}

/** `coverage(d)`: share of a pixel whose centre is at distance d from the shape's centre (clamped to 0..1). */
function createStamp(extent: number, coverage: (d: number) => number): Stamp {
  const e = Math.ceil(extent);
  if (e > 120) throw new RangeError(`a stamp reaches at most 120 pixels from its centre (got ${extent})`);
  const start = new Int32Array(PHASES * PHASES + 1);
  const dx: number[] = [],
    dy: number[] = [],
    cover: number[] = [];
  for (let py = 0; py < PHASES; py++) {
    for (let px = 0; px < PHASES; px++) {
      const cx = (px + 0.5) / PHASES,
        cy = (py + 0.5) / PHASES;
      for (let y = -e; y <= e; y++) {
        for (let x = -e; x <= e; x++) {
          const c = Math.min(1, coverage(Math.hypot(x + 0.5 - cx, y + 0.5 - cy)));
          if (c <= 0.004) continue;
          dx.push(x);
          dy.push(y);
          cover.push(c);
        }
      }
      start[py * PHASES + px + 1] = cover.length;
    }
  }
  return { extent: e, start, dx: Int8Array.from(dx), dy: Int8Array.from(dy), cover: Float32Array.from(cover) };
}

/** A filled disc of `radius` pixels, its edge anti-aliased over one pixel. */
export function discStamp(radius: number): Stamp {
  return createStamp(radius + 1, (d) => radius + 0.5 - d);
}

/** A ring of `radius` pixels (to the middle of its line) drawn `lineWidth` pixels wide, anti-aliased. */
export function ringStamp(radius: number, lineWidth: number): Stamp {
  return createStamp(radius + lineWidth / 2 + 1, (d) => lineWidth / 2 + 0.5 - Math.abs(d - radius));
}

/** Blends `stamp` in `rgb` at opacity `alpha` into `data` ([height, width, 4]) centred at (cx, cy) pixels; clipped at the edges. */
export function blendStamp(
  data: Uint8ClampedArray,
  width: number,
  height: number,
  cx: number,
  cy: number,
  stamp: Stamp,
  rgb: Rgb,
  alpha: number,
): void {
  const ix = Math.floor(cx),
    iy = Math.floor(cy);
  if (!(ix + stamp.extent >= 0 && iy + stamp.extent >= 0 && ix - stamp.extent < width && iy - stamp.extent < height))
    return;
  const phase =
    Math.min(PHASES - 1, Math.floor((cy - iy) * PHASES)) * PHASES +
    Math.min(PHASES - 1, Math.floor((cx - ix) * PHASES));
  const inside =
    ix - stamp.extent >= 0 && iy - stamp.extent >= 0 && ix + stamp.extent < width && iy + stamp.extent < height;
  const dx = stamp.dx,
    dy = stamp.dy,
    cover = stamp.cover;
  // Indexed reads, not destructuring: array destructuring goes through the iterator protocol on every call.
  const r = rgb[0],
    g = rgb[1],
    b = rgb[2];
  for (let k = stamp.start[phase]!, end = stamp.start[phase + 1]!; k < end; k++) {
    const x = ix + dx[k]!,
      y = iy + dy[k]!;
    if (!inside && (x < 0 || y < 0 || x >= width || y >= height)) continue;
    const a = alpha * cover[k]!;
    const o = (y * width + x) * 4;
    data[o] = data[o]! + (r - data[o]!) * a;
    data[o + 1] = data[o + 1]! + (g - data[o + 1]!) * a;
    data[o + 2] = data[o + 2]! + (b - data[o + 2]!) * a;
  }
}

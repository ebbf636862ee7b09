// An attribution map drawn over its digit: a diverging scale centred at zero (symmetric domain), blended over the
// gray digit by |value| so the strokes show through where the evidence is weak.
import { interpolateRdBu, rgb, scaleDiverging, type ScaleDiverging } from "d3";

/**
 * d3.scaleDiverging on [−maxAbs, 0, +maxAbs] (clamped): negative evidence red, zero near white, positive blue — the
 * orientation of lib/chart/diverging.ts's other signed figures. A maxAbs of 0 gives a domain of ±1e-12.
 */
export function attributionScale(maxAbs: number): ScaleDiverging<string> {
  const m = maxAbs > 0 && Number.isFinite(maxAbs) ? maxAbs : 1e-12;
  return scaleDiverging(interpolateRdBu).domain([-m, 0, m]).clamp(true);
}

/** The largest |value| over several maps, so maps drawn side by side share one symmetric domain. */
export function sharedMaxAbs(...maps: ArrayLike<number>[]): number {
  let m = 0;
  for (const values of maps) for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

/** a − b, element by element. */
export function subtractMaps(a: ArrayLike<number>, b: ArrayLike<number>): Float32Array {
  if (a.length !== b.length) throw new RangeError(`maps differ in length: ${a.length} and ${b.length}`);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! - b[i]!;
  return out;
}

/**
 * RGBA [784 * 4] of `values` [784] over the gray digit `pixels` [784] (0..255): each pixel is the scale's colour at
 * its value blended over the digit's gray with weight |value| / maxAbs (clamped to 1). Opaque.
 */
export function overlayRgba(
  pixels: ArrayLike<number>,
  values: ArrayLike<number>,
  maxAbs: number,
  out: Uint8ClampedArray,
): Uint8ClampedArray {
  if (pixels.length !== values.length) throw new RangeError(`${pixels.length} pixels for ${values.length} values`);
  if (out.length !== values.length * 4)
    throw new RangeError(`output has ${out.length} bytes, expected ${values.length * 4}`);
  const scale = attributionScale(maxAbs);
  const m = maxAbs > 0 ? maxAbs : Number.POSITIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = Number.isFinite(values[i]!) ? values[i]! : 0;
    const w = Math.min(1, Math.abs(v) / m);
    const c = rgb(scale(v));
    const g = pixels[i]!;
    out[i * 4] = Math.round(g * (1 - w) + c.r * w);
    out[i * 4 + 1] = Math.round(g * (1 - w) + c.g * w);
    out[i * 4 + 2] = Math.round(g * (1 - w) + c.b * w);
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** The legend's stops: value and colour at −max, −max/2, 0, +max/2, +max. */
export function legendStops(maxAbs: number): Array<{ value: number; color: string }> {
  const scale = attributionScale(maxAbs);
  return [-1, -0.5, 0, 0.5, 1].map((t) => ({ value: t * maxAbs, color: scale(t * maxAbs) }));
}

/** A signed value with 3 significant digits and a true minus sign: "+0.0123", "−1.25". */
export function formatSigned(value: number): string {
  if (value === 0) return "0";
  const text = Math.abs(value).toPrecision(3);
  return value > 0 ? `+${text}` : `\u2212${text}`;
}

// Pure geometry of the embedding scatter: palette, fitted affine frame, zoom, layout interpolation, class filter, box selection, hit-testing.
import { quadtree, schemeCategory10, type Quadtree } from "d3";
import { NUM_CLASSES } from "../core/constants";

/** matplotlib's tab10 (d3.schemeCategory10): the colours ML practitioners already read as digits 0..9. */
export const CLASS_COLOURS: readonly string[] = schemeCategory10;

/** Every class shown: bits 0..9 set (the URL state's constant). */
export { ALL_CLASSES } from "../core/view-state";

/**
 * Data → screen: `screenX = ax + bx·x`, `screenY = ay + by·y` in CSS pixels. t-SNE and PCA layouts keep their
 * aspect ratio, so |bx| = |by|; `by` is negative because data y grows upwards.
 */
export interface Affine {
  ax: number;
  bx: number;
  ay: number;
  by: number;
}

/** d3-zoom's transform: screen = (x, y) + k · base. */
export interface ZoomState {
  k: number;
  x: number;
  y: number;
}

export interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Bounds of every point of every layout (`[rows, 2]` each), so an animated series keeps one frame; null when all are empty. */
export function layoutBounds(layouts: readonly Float32Array[]): Bounds | null {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const coords of layouts) {
    for (let i = 0; i + 1 < coords.length; i += 2) {
      const x = coords[i]!,
        y = coords[i + 1]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x0 <= x1 ? { x0, y0, x1, y1 } : null;
}

/** The largest equal-aspect mapping of `bounds` into a `width`×`height` box with `padding` pixels on each side, centred. */
export function fitAffine(bounds: Bounds, width: number, height: number, padding: number): Affine {
  const spanX = Math.max(bounds.x1 - bounds.x0, 1e-9);
  const spanY = Math.max(bounds.y1 - bounds.y0, 1e-9);
  const s = Math.max(Math.min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY), 1e-9);
  const cx = (bounds.x0 + bounds.x1) / 2,
    cy = (bounds.y0 + bounds.y1) / 2;
  return { ax: width / 2 - s * cx, bx: s, ay: height / 2 + s * cy, by: -s };
}

/** The base frame seen through a zoom transform. */
export function zoomAffine(base: Affine, zoom: ZoomState): Affine {
  return { ax: zoom.x + zoom.k * base.ax, bx: zoom.k * base.bx, ay: zoom.y + zoom.k * base.ay, by: zoom.k * base.by };
}

/** Screen point → data point. */
export function invertPoint(a: Affine, sx: number, sy: number): [number, number] {
  return [(sx - a.ax) / a.bx, (sy - a.ay) / a.by];
}

/** A screen rectangle (any two corners) as data bounds. */
export function invertBox(a: Affine, sx0: number, sy0: number, sx1: number, sy1: number): Bounds {
  const [xa, ya] = invertPoint(a, sx0, sy0);
  const [xb, yb] = invertPoint(a, sx1, sy1);
  return { x0: Math.min(xa, xb), y0: Math.min(ya, yb), x1: Math.max(xa, xb), y1: Math.max(ya, yb) };
}

/** Point radius in CSS pixels: 4 for a few hundred points, 2 from about 2,000, growing gently as one zooms in (at most 2.5×). */
export function pointRadius(count: number, zoomK = 1): number {
  const base = Math.min(4, Math.max(2, 90 / Math.sqrt(Math.max(count, 1))));
  return base * Math.min(2.5, Math.sqrt(Math.max(zoomK, 1)));
}

/** Linear blend of two layouts of the same points, `t` in 0..1, into `out` (allocated when absent). */
export function interpolateLayouts(a: Float32Array, b: Float32Array, t: number, out?: Float32Array): Float32Array {
  if (a.length !== b.length) throw new RangeError(`layouts differ in size: ${a.length / 2} and ${b.length / 2} points`);
  const result = out ?? new Float32Array(a.length);
  if (result.length !== a.length)
    throw new RangeError(`output holds ${result.length / 2} points, expected ${a.length / 2}`);
  const u = Math.min(1, Math.max(0, t));
  for (let i = 0; i < a.length; i++) result[i] = a[i]! + (b[i]! - a[i]!) * u;
  return result;
}

/** A fractional position in a series of `frames` layouts → the two frames to blend and the blend weight. */
export function framePosition(position: number, frames: number): { lower: number; upper: number; t: number } {
  if (frames < 1) throw new RangeError(`a series needs at least one frame (got ${frames})`);
  const p = Math.min(frames - 1, Math.max(0, position));
  const lower = Math.floor(p);
  const upper = Math.min(frames - 1, lower + 1);
  return { lower, upper, t: p - lower };
}

/** Classes in a bit mask (bit c = class c shown), ascending. */
export function classesOf(mask: number): number[] {
  return Array.from({ length: NUM_CLASSES }, (_, c) => c).filter((c) => (mask >> c) & 1);
}

/** Rows whose label is in `mask`, ascending. */
export function visibleRows(labels: Uint8Array, mask: number): Int32Array {
  const out = new Int32Array(labels.length);
  let n = 0;
  for (let r = 0; r < labels.length; r++) if ((mask >> labels[r]!) & 1) out[n++] = r;
  return out.slice(0, n);
}

/** How many of `rows` belong to each class: [10]. */
export function classCounts(labels: Uint8Array, rows: ArrayLike<number>): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < rows.length; i++) counts[labels[rows[i]!]!]!++;
  return counts;
}

/** The rows among `rows` whose point lies inside `box` (data units, edges included), in the order of `rows`. */
export function rowsInBox(coords: Float32Array, rows: ArrayLike<number>, box: Bounds): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const x = coords[2 * r]!,
      y = coords[2 * r + 1]!;
    if (x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1) out.push(r);
  }
  return out;
}

/** A quadtree of `rows` (row numbers) positioned by `coords` [n, 2] in data units: built once per layout, not per zoom. */
export function indexPoints(coords: Float32Array, rows: ArrayLike<number>): Quadtree<number> {
  const tree = quadtree<number>()
    .x((r) => coords[2 * r]!)
    .y((r) => coords[2 * r + 1]!);
  tree.addAll(Array.from(rows));
  return tree;
}

/** The point nearest to screen position (sx, sy) within `radiusPx` pixels, or null. */
export function nearestPoint(
  tree: Quadtree<number>,
  a: Affine,
  sx: number,
  sy: number,
  radiusPx: number,
): number | null {
  const [x, y] = invertPoint(a, sx, sy);
  return tree.find(x, y, radiusPx / Math.abs(a.bx)) ?? null;
}

/** FNV-1a over the float32 bytes of a layout, as 8 hex digits: a cheap fingerprint that changes when any coordinate does. */
export function layoutChecksum(coords: Float32Array): string {
  const bytes = new Uint8Array(coords.buffer, coords.byteOffset, coords.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

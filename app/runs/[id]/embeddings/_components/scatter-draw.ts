// Canvas drawing of the scatter: points rasterised into one ImageData, rings for mistakes, vector marks for a pinned digit.
import { CLASS_COLOURS, type Affine } from "@/lib/chart/scatter";
import { blendStamp, discStamp, fillRgba, hexToRgb, ringStamp, type Stamp } from "@/lib/chart/scatter-raster";

export interface BaseLayer {
  coords: Float32Array;
  labels: Uint8Array;
  predicted: Uint8Array | null;
  visible: Int32Array;
  /** Rows picked by the box selection; the others are dimmed while it is not empty. */
  selected: Uint8Array | null;
  pinned: number | null;
  neighbours: readonly number[];
}

const TAU = Math.PI * 2;
const MISTAKE_RING = "#111827";
const PIN_COLOUR = "#111827";
const BACKGROUND = hexToRgb("#ffffff");
const RGB = CLASS_COLOURS.map(hexToRgb);
const RING_RGB = hexToRgb(MISTAKE_RING);

/** Stamps by size: the radius changes only with the point count and the zoom, so a handful are ever built. */
const stamps = new Map<string, Stamp>();

function cachedStamp(key: string, build: () => Stamp): Stamp {
  let stamp = stamps.get(key);
  if (!stamp) {
    if (stamps.size > 64) stamps.clear();
    stamp = build();
    stamps.set(key, stamp);
  }
  return stamp;
}

/**
 * Every visible point rasterised into `image` (device pixels, `dpr` per CSS pixel) in row order, dimmed outside a box
 * selection, clipped to the viewport, mistakes ringed; then one putImageData and the few vector marks of a pinned digit.
 */
export function drawBase(
  ctx: CanvasRenderingContext2D,
  image: ImageData,
  dpr: number,
  a: Affine,
  radius: number,
  layer: BaseLayer,
): void {
  const { coords, labels, predicted, visible, selected, pinned, neighbours } = layer;
  const { data, width, height } = image;
  fillRgba(data, BACKGROUND);
  const r = radius * dpr;
  const disc = cachedStamp(`disc ${r}`, () => discStamp(r));
  const ring = cachedStamp(`ring ${r} ${dpr}`, () => ringStamp(r + 1.5 * dpr, dpr));
  const dims = selected !== null;
  const passes = dims ? [0, 1] : [1];
  for (const pass of passes) {
    const alpha = dims && pass === 0 ? 0.18 : 0.85;
    for (let i = 0; i < visible.length; i++) {
      const row = visible[i]!;
      if (dims && (selected[row] ? 1 : 0) !== pass) continue;
      const sx = (a.ax + a.bx * coords[2 * row]!) * dpr;
      const sy = (a.ay + a.by * coords[2 * row + 1]!) * dpr;
      blendStamp(data, width, height, sx, sy, disc, RGB[labels[row]!]!, alpha);
    }
  }
  if (predicted) {
    for (let i = 0; i < visible.length; i++) {
      const row = visible[i]!;
      if (predicted[row] === labels[row] || (dims && !selected[row])) continue;
      const sx = (a.ax + a.bx * coords[2 * row]!) * dpr;
      const sy = (a.ay + a.by * coords[2 * row + 1]!) * dpr;
      blendStamp(data, width, height, sx, sy, ring, RING_RGB, 0.9);
    }
  }
  ctx.putImageData(image, 0, 0);
  if (pinned !== null) drawPinned(ctx, a, radius, coords, pinned, neighbours);
}

function drawPinned(
  ctx: CanvasRenderingContext2D,
  a: Affine,
  radius: number,
  coords: Float32Array,
  pinned: number,
  neighbours: readonly number[],
): void {
  const px = a.ax + a.bx * coords[2 * pinned]!;
  const py = a.ay + a.by * coords[2 * pinned + 1]!;
  ctx.strokeStyle = PIN_COLOUR;
  ctx.lineWidth = 1;
  ctx.setLineDash([3, 3]);
  ctx.beginPath();
  for (const n of neighbours) {
    ctx.moveTo(px, py);
    ctx.lineTo(a.ax + a.bx * coords[2 * n]!, a.ay + a.by * coords[2 * n + 1]!);
  }
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (const n of neighbours) {
    const sx = a.ax + a.bx * coords[2 * n]!,
      sy = a.ay + a.by * coords[2 * n + 1]!;
    ctx.moveTo(sx + radius + 2, sy);
    ctx.arc(sx, sy, radius + 2, 0, TAU);
  }
  ctx.stroke();
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.arc(px, py, radius + 5, 0, TAU);
  ctx.stroke();
}

/** The hover ring and the selection rectangle: all the overlay ever shows, so hovering never redraws the points. */
export function drawOverlay(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  hover: { sx: number; sy: number; radius: number; colour: string } | null,
  box: { x0: number; y0: number; x1: number; y1: number } | null,
): void {
  ctx.clearRect(0, 0, width, height);
  if (hover) {
    ctx.fillStyle = hover.colour;
    ctx.strokeStyle = "#111827";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(hover.sx, hover.sy, hover.radius + 3, 0, TAU);
    ctx.fill();
    ctx.stroke();
  }
  if (box) {
    ctx.fillStyle = "rgba(37, 99, 235, 0.08)";
    ctx.strokeStyle = "#2563eb";
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 3]);
    const x = Math.min(box.x0, box.x1),
      y = Math.min(box.y0, box.y1);
    ctx.fillRect(x, y, Math.abs(box.x1 - box.x0), Math.abs(box.y1 - box.y0));
    ctx.strokeRect(x, y, Math.abs(box.x1 - box.x0), Math.abs(box.y1 - box.y0));
    ctx.setLineDash([]);
  }
}

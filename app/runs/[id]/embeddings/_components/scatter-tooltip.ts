// The hover tooltip written straight into the DOM (no React render per hover): thumbnail, labels, data attributes, position.
import { DIGIT_PIXELS, DIGIT_SIDE, digitToRgba } from "@/lib/chart/pixels";

export interface TooltipParts {
  box: HTMLElement;
  text: HTMLElement;
  thumb: HTMLCanvasElement;
}

export interface TooltipHit {
  /** Position of the point in canvas pixels. */
  sx: number;
  sy: number;
  row: number;
  index: number;
  trueLabel: number;
  predicted: number | null;
}

/** Width beyond which the tooltip opens to the left of the point. */
const FLIP_MARGIN_PX = 190;

export function updateTooltip(
  parts: TooltipParts,
  hit: TooltipHit | null,
  pixels: Uint8Array | null,
  size: { width: number; height: number },
): void {
  const { box, text, thumb } = parts;
  if (!hit) {
    box.hidden = true;
    box.removeAttribute("data-row");
    return;
  }
  const { row, index, trueLabel: t, predicted: p } = hit;
  box.hidden = false;
  box.dataset.row = String(row);
  box.dataset.index = String(index);
  box.dataset.true = String(t);
  box.dataset.pred = p === null ? "" : String(p);
  text.textContent = `#${index} · true ${t}${p === null ? "" : ` · predicted ${p}${p === t ? " ✓" : " ✗"}`}`;
  const ctx = thumb.getContext("2d");
  if (ctx && pixels && (row + 1) * DIGIT_PIXELS <= pixels.length) {
    const image = new ImageData(DIGIT_SIDE, DIGIT_SIDE);
    digitToRgba(pixels, row, image.data);
    ctx.putImageData(image, 0, 0);
  }
  const right = hit.sx > size.width - FLIP_MARGIN_PX;
  const x = right ? hit.sx - 12 : hit.sx + 12;
  const y = Math.max(0, Math.min(hit.sy - 36, size.height - 80));
  // A transform on its own layer: moving the tooltip repaints neither the canvases nor the page.
  box.style.transform = `translate(${x}px, ${y}px)${right ? " translateX(-100%)" : ""}`;
}

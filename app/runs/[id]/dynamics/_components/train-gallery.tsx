"use client";
// Thumbnails of training digits drawn from one binary of their pixels (uint8 [k, 784]) fetched by index.
import { useEffect, useRef } from "react";
import { usePixels } from "@/app/_components/use-pixels";
import { DIGIT_PIXELS, DIGIT_SIDE, digitToRgba } from "@/lib/chart/pixels";

export interface TrainDigitItem {
  index: number;
  label: number;
  /** A short line under the thumbnail (confidence, forgetting events). */
  caption: string;
  title: string;
}

export function TrainGallery({ runId, items, testId }: { runId: number; items: TrainDigitItem[]; testId: string }) {
  const url =
    items.length > 0 ? `/api/runs/${runId}/dynamics/pixels?indices=${items.map((i) => i.index).join(",")}` : undefined;
  const { pixels, error } = usePixels(url);
  const grid = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (!pixels || !grid.current) return;
    const image = new ImageData(DIGIT_SIDE, DIGIT_SIDE);
    const count = pixels.length / DIGIT_PIXELS;
    grid.current.querySelectorAll<HTMLCanvasElement>("canvas[data-slot]").forEach((canvas) => {
      const slot = Number(canvas.dataset.slot);
      const ctx = canvas.getContext("2d");
      if (!ctx || slot >= count) return;
      digitToRgba(pixels, slot, image.data);
      ctx.putImageData(image, 0, 0);
    });
  }, [pixels, items]);

  return (
    <>
      {error ? <p className="callout callout-bad">{error}</p> : null}
      <ul className="gallery" ref={grid} data-testid={testId} data-loaded={pixels || items.length === 0 ? "1" : "0"}>
        {items.map((item, slot) => (
          <li key={item.index} data-testid={`${testId}-item`} data-index={item.index} title={item.title}>
            <a>
              <canvas
                width={DIGIT_SIDE}
                height={DIGIT_SIDE}
                data-slot={slot}
                aria-label={`training digit ${item.index}`}
              />
              <span className="gallery-label">
                <span className="true-label">{item.label}</span>
                <span className="conf">{item.caption}</span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}

"use client";
// Thumbnails of misclassified digits drawn on canvases from one binary of their pixels (uint8 [k, 784]).
import Link from "next/link";
import { useEffect, useRef, type ReactNode } from "react";
import { usePixels } from "@/app/_components/use-pixels";
import { DIGIT_PIXELS, DIGIT_SIDE, digitToRgba } from "@/lib/chart/pixels";

export interface GalleryItem {
  index: number;
  trueLabel: number;
  predicted: number;
  confidence: number;
  /** Row of this digit in the pixel binary. */
  slot: number;
}

interface Props {
  items: GalleryItem[];
  /** URL of the run's misclassified pixels, one request for all pages and filters (omitted when `pixels` is given). */
  pixelsUrl?: string;
  /** The pixels already fetched by a parent that shares one binary between several galleries (null while loading). */
  pixels?: Uint8Array | null;
  /** Link of each thumbnail to the digit inspector. */
  hrefOf: Record<number, string>;
  /** Shown under a thumbnail, by digit index (the suspect-label badge, the /labels page's details and review buttons). */
  footerOf?: Record<number, ReactNode>;
}

export function DigitGallery({ items, pixelsUrl, pixels: given, hrefOf, footerOf }: Props) {
  const { pixels: fetched, error } = usePixels(given === undefined ? pixelsUrl : undefined);
  const grid = useRef<HTMLUListElement>(null);
  const pixels = given ?? fetched;

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
      canvas.dataset.drawn = "1";
    });
  }, [pixels, items]);

  return (
    <>
      {error ? <p className="callout callout-bad">{error}</p> : null}
      <ul className="gallery" ref={grid} data-testid="gallery" data-loaded={pixels ? "1" : "0"}>
        {items.map((item) => (
          <li
            key={item.index}
            data-testid="gallery-item"
            data-index={item.index}
            data-true={item.trueLabel}
            data-pred={item.predicted}
            data-confidence={item.confidence}
          >
            <Link
              href={hrefOf[item.index] ?? "#"}
              title={`test digit ${item.index}: true ${item.trueLabel}, predicted ${item.predicted} with ${(item.confidence * 100).toFixed(1)}%`}
            >
              <canvas width={DIGIT_SIDE} height={DIGIT_SIDE} data-slot={item.slot} aria-label={`digit ${item.index}`} />
              <span className="gallery-label">
                <span className="true-label">{item.trueLabel}</span>→
                <span className="pred-label">{item.predicted}</span>
                <span className="conf">{(item.confidence * 100).toFixed(0)}%</span>
              </span>
            </Link>
            {footerOf?.[item.index] ?? null}
          </li>
        ))}
      </ul>
    </>
  );
}

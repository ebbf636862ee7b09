"use client";
// The dataset card's digits (the seed's first figure): canvases drawn from base64 pixels uint8 [n, 784], each with its label.
import { useEffect, useRef } from "react";
import { DIGIT_SIDE, digitToRgba } from "@/lib/chart/pixels";

export function DatasetDigits({ pixelsBase64, labels }: { pixelsBase64: string; labels: number[] }) {
  const grid = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (!grid.current) return;
    const bytes = Uint8Array.from(atob(pixelsBase64), (c) => c.charCodeAt(0));
    const image = new ImageData(DIGIT_SIDE, DIGIT_SIDE);
    grid.current.querySelectorAll("canvas").forEach((canvas, i) => {
      const ctx = canvas.getContext("2d");
      if (!ctx) return;
      digitToRgba(bytes, i, image.data);
      ctx.putImageData(image, 0, 0);
    });
  }, [pixelsBase64]);
  return (
    <ul className="sample-digits" ref={grid} data-testid="dataset-digits">
      {labels.map((label, i) => (
        <li key={i} data-label={label}>
          <canvas
            width={DIGIT_SIDE}
            height={DIGIT_SIDE}
            aria-label={`training digit ${i}, label ${label}`}
            role="img"
          />
          <span>{label}</span>
        </li>
      ))}
    </ul>
  );
}

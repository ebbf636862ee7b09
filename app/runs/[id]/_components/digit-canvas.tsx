"use client";
// One digit drawn on a canvas from its 784 pixel values (white strokes on black, as the seed shows them).
import { useEffect, useRef } from "react";
import { DIGIT_PIXELS, DIGIT_SIDE, digitToRgba } from "@/lib/chart/pixels";

export function DigitCanvas({ pixels, label, className }: { pixels: number[]; label: string; className?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    if (!ctx || pixels.length !== DIGIT_PIXELS) return;
    const image = new ImageData(DIGIT_SIDE, DIGIT_SIDE);
    digitToRgba(Uint8Array.from(pixels), 0, image.data);
    ctx.putImageData(image, 0, 0);
  }, [pixels]);
  return (
    <canvas
      ref={ref}
      width={DIGIT_SIDE}
      height={DIGIT_SIDE}
      className={className ?? "digit-canvas"}
      aria-label={label}
      role="img"
    />
  );
}

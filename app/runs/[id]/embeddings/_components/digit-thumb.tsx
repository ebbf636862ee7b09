"use client";
// One digit thumbnail drawn from a row of a pixel binary (uint8 [rows, 784]); a black square until the pixels arrive.
import { useEffect, useRef } from "react";
import { DIGIT_PIXELS, DIGIT_SIDE, digitToRgba } from "@/lib/chart/pixels";

export function DigitThumb({
  pixels,
  row,
  label,
  className = "thumb",
}: {
  pixels: Uint8Array | null;
  row: number;
  label: string;
  className?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    if (!ctx || !pixels || (row + 1) * DIGIT_PIXELS > pixels.length) return;
    const image = new ImageData(DIGIT_SIDE, DIGIT_SIDE);
    digitToRgba(pixels, row, image.data);
    ctx.putImageData(image, 0, 0);
  }, [pixels, row]);
  return (
    <canvas ref={ref} width={DIGIT_SIDE} height={DIGIT_SIDE} className={className} role="img" aria-label={label} />
  );
}

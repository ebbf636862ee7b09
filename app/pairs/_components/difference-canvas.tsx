"use client";
// A 28x28 signed image (e.g. mean(a) − mean(b), values in −1..1) on the diverging scale: blue positive, red negative.
import { useEffect, useRef } from "react";
import { DIGIT_PIXELS, DIGIT_SIDE } from "@/lib/chart/pixels";
import { divergingRgba } from "@/lib/chart/diverging";

export function DifferenceCanvas({
  values,
  maxAbs,
  label,
  className,
}: {
  values: number[];
  maxAbs: number;
  label: string;
  className?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    if (!ctx || values.length !== DIGIT_PIXELS) return;
    const image = new ImageData(DIGIT_SIDE, DIGIT_SIDE);
    divergingRgba(values, maxAbs, image.data);
    ctx.putImageData(image, 0, 0);
  }, [values, maxAbs]);
  return (
    <canvas
      ref={ref}
      width={DIGIT_SIDE}
      height={DIGIT_SIDE}
      className={className}
      aria-label={label}
      role="img"
      data-testid="mean-difference"
    />
  );
}

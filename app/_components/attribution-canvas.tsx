"use client";
// An attribution map [784] drawn over its gray digit on a 28×28 canvas (lib/chart/attribution-overlay.ts).
import { useEffect, useRef } from "react";
import { DIGIT_PIXELS, DIGIT_SIDE } from "@/lib/chart/pixels";
import { overlayRgba } from "@/lib/chart/attribution-overlay";

export function AttributionCanvas({
  pixels,
  values,
  maxAbs,
  label,
  className,
  testId,
}: {
  /** [784] gray digit, 0..255. */
  pixels: ArrayLike<number>;
  /** [784] attribution values; null while loading (the digit alone is drawn). */
  values: ArrayLike<number> | null;
  /** The symmetric domain's end: ±maxAbs are the saturated colours. */
  maxAbs: number;
  label: string;
  className?: string;
  testId?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    if (!ctx || pixels.length !== DIGIT_PIXELS) return;
    const image = new ImageData(DIGIT_SIDE, DIGIT_SIDE);
    overlayRgba(pixels, values ?? new Float32Array(DIGIT_PIXELS), maxAbs, image.data);
    ctx.putImageData(image, 0, 0);
  }, [pixels, values, maxAbs]);
  return (
    <canvas
      ref={ref}
      width={DIGIT_SIDE}
      height={DIGIT_SIDE}
      className={className}
      aria-label={label}
      role="img"
      data-testid={testId}
      data-max-abs={maxAbs}
      data-state={values ? "drawn" : "loading"}
    />
  );
}

"use client";
// A pair's probe digits in one layer's 2-D projection, drawn on a canvas (the page carries numbers, not SVG nodes); hover names a digit, click opens it.
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type MouseEvent } from "react";

interface Props {
  /** Points in a size × size square (y down), flat [x0, y0, x1, y1, …]. */
  xy: number[];
  labels: number[];
  /** Test index of each point. */
  indices: number[];
  /** Colour of each of the two classes, by label. */
  colours: Record<number, string>;
  size: number;
  runId: number;
  label: string;
}

/** Canvas pixels per square unit: sharp on 2x screens, small enough to draw a few hundred points instantly. */
const RESOLUTION = 2;
const HIT_RADIUS = 8;

export function PairScatter({ xy, labels, indices, colours, size, runId, label }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const router = useRouter();
  const [hover, setHover] = useState<number | null>(null);

  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(RESOLUTION, 0, 0, RESOLUTION, 0, 0);
    ctx.clearRect(0, 0, size, size);
    ctx.globalAlpha = 0.75;
    for (let i = 0; i < labels.length; i++) {
      ctx.fillStyle = colours[labels[i]!] ?? "#888";
      ctx.beginPath();
      ctx.arc(xy[2 * i]!, xy[2 * i + 1]!, i === hover ? 4.5 : 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  }, [xy, labels, colours, size, hover]);

  function nearest(e: MouseEvent<HTMLCanvasElement>): number | null {
    const rect = e.currentTarget.getBoundingClientRect();
    const x = ((e.clientX - rect.left) / rect.width) * size;
    const y = ((e.clientY - rect.top) / rect.height) * size;
    let best: number | null = null;
    let bestD = HIT_RADIUS * HIT_RADIUS;
    for (let i = 0; i < labels.length; i++) {
      const d = (xy[2 * i]! - x) ** 2 + (xy[2 * i + 1]! - y) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    }
    return best;
  }

  return (
    <div style={{ position: "relative" }}>
      <canvas
        ref={ref}
        width={size * RESOLUTION}
        height={size * RESOLUTION}
        role="img"
        aria-label={label}
        style={{ cursor: hover === null ? "default" : "pointer" }}
        onPointerMove={(e) => setHover(nearest(e))}
        onPointerLeave={() => setHover(null)}
        onClick={(e) => {
          const i = nearest(e);
          if (i !== null) router.push(`/runs/${runId}/digits/${indices[i]}`);
        }}
      />
      {hover !== null ? (
        <div
          className="tooltip"
          role="status"
          style={{
            left: `${(xy[2 * hover]! / size) * 100}%`,
            transform: `translateX(${xy[2 * hover]! > size / 2 ? -100 : 0}%)`,
          }}
        >
          test digit {indices[hover]} ({labels[hover]})
        </div>
      ) : null}
    </div>
  );
}

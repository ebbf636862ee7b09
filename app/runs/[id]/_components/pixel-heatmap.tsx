"use client";
// The seed's 28x28 pixel-value heatmap. A client component so the page payload carries 784 numbers, not 1,568 SVG elements.
import { DIGIT_SIDE, grayFill, pixelTextFill, seedThreshold } from "@/lib/chart/pixels";

const CELL = 24;

/** 28x28 cells in the gray colormap, each with its value; text white on dark cells, black on light (the seed's threshold). */
export function PixelHeatmap({ pixels }: { pixels: number[] }) {
  const threshold = seedThreshold(pixels);
  const side = DIGIT_SIDE * CELL;
  return (
    <div className="heatmap-scroll">
      <svg
        className="pixel-heatmap"
        viewBox={`0 0 ${side} ${side}`}
        role="img"
        aria-label="pixel values"
        data-testid="pixel-heatmap"
      >
        {pixels.map((v, i) => {
          const x = (i % DIGIT_SIDE) * CELL;
          const y = Math.floor(i / DIGIT_SIDE) * CELL;
          return (
            <rect
              key={i}
              x={x}
              y={y}
              width={CELL}
              height={CELL}
              fill={grayFill(v)}
              data-testid="pixel-cell"
              data-value={v}
            />
          );
        })}
        {pixels.map((v, i) => (
          <text
            key={i}
            x={(i % DIGIT_SIDE) * CELL + CELL / 2}
            y={Math.floor(i / DIGIT_SIDE) * CELL + 15}
            className={pixelTextFill(v, threshold) === "white" ? "px-light" : "px-dark"}
          >
            {v}
          </text>
        ))}
      </svg>
    </div>
  );
}

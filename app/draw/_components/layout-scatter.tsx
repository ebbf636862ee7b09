"use client";
// The run's test digits in its stored t-SNE of the last hidden layer, with the drawing placed among them as a marker.
import { useEffect, useMemo, useRef } from "react";
import { CLASS_COLOURS, fitAffine, layoutBounds, pointRadius } from "@/lib/chart/scatter";
import { blendStamp, discStamp, fillRgba, hexToRgb } from "@/lib/chart/scatter-raster";
import { digitsToBytes } from "@/lib/chart/scatter-view";
import styles from "./draw.module.css";

const SIDE = 320;
const PADDING = 10;
const RGB = CLASS_COLOURS.map(hexToRgb);
const WHITE = hexToRgb("#ffffff");

/** `coords` float32 [rows, 2]; `labels` one digit character per row; `marker` in data units. */
export function LayoutScatter({
  coords,
  labels,
  marker,
}: {
  coords: Float32Array;
  labels: string;
  marker: { x: number; y: number } | null;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const affine = useMemo(() => {
    const bounds = layoutBounds([coords]);
    return bounds ? fitAffine(bounds, SIDE, SIDE, PADDING) : null;
  }, [coords]);
  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    if (!ctx || !affine) return;
    const image = new ImageData(SIDE, SIDE);
    fillRgba(image.data, WHITE);
    const rows = Math.floor(coords.length / 2);
    const stamp = discStamp(pointRadius(rows) * 0.75);
    const classes = digitsToBytes(labels);
    for (let r = 0; r < rows; r++) {
      const sx = affine.ax + affine.bx * coords[2 * r]!,
        sy = affine.ay + affine.by * coords[2 * r + 1]!;
      blendStamp(image.data, SIDE, SIDE, sx, sy, stamp, RGB[classes[r] ?? 0]!, 0.7);
    }
    ctx.putImageData(image, 0, 0);
  }, [coords, labels, affine]);
  const mx = marker && affine ? affine.ax + affine.bx * marker.x : null;
  const my = marker && affine ? affine.ay + affine.by * marker.y : null;
  return (
    <figure className={styles.figure}>
      <div className={styles.scatter} style={{ width: SIDE, height: SIDE }}>
        <canvas ref={ref} width={SIDE} height={SIDE} data-testid="draw-layout" role="img" aria-label="t-SNE layout" />
        <svg width={SIDE} height={SIDE} viewBox={`0 0 ${SIDE} ${SIDE}`} aria-hidden>
          {mx !== null && my !== null && (
            <g data-testid="layout-marker" data-x={marker!.x} data-y={marker!.y}>
              <circle cx={mx} cy={my} r={9} fill="none" stroke="#111827" strokeWidth={3} />
              <line x1={mx - 14} x2={mx + 14} y1={my} y2={my} stroke="#111827" strokeWidth={1.5} />
              <line x1={mx} x2={mx} y1={my - 14} y2={my + 14} stroke="#111827" strokeWidth={1.5} />
            </g>
          )}
        </svg>
      </div>
      <figcaption className={styles.classKey}>
        {CLASS_COLOURS.map((colour, c) => (
          <span key={c}>
            <span className={styles.swatch} style={{ background: colour }} />
            {c}
          </span>
        ))}
        <span>⊕ the drawing</span>
      </figcaption>
    </figure>
  );
}

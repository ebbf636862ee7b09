"use client";
// The playground's readouts of one drawing: the 28 × 28 the network sees, its class probabilities, the top class's
// gradient × input on a diverging scale, and the nearest test digits.
import { useEffect, useRef } from "react";
import { IMAGE_SIDE } from "@/lib/core/constants";
import { divergingFill, divergingRgba, maxAbsolute } from "@/lib/chart/diverging";
import styles from "./draw.module.css";

/** A 28 × 28 image drawn from `rgba` [784 · 4], scaled up by CSS (pixelated). */
function PixelCanvas({ rgba, label, testId }: { rgba: Uint8ClampedArray | null; label: string; testId: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    if (!ctx) return;
    const image = new ImageData(IMAGE_SIDE, IMAGE_SIDE);
    if (rgba) image.data.set(rgba);
    ctx.putImageData(image, 0, 0);
  }, [rgba]);
  return (
    <canvas
      ref={ref}
      width={IMAGE_SIDE}
      height={IMAGE_SIDE}
      className={styles.pixels}
      role="img"
      aria-label={label}
      data-testid={testId}
    />
  );
}

/** Ink [784] in 0..1 as white on black, the way MNIST digits are shown elsewhere on the site. */
export function NetworkInput({ pixels }: { pixels: Float32Array | null }) {
  const rgba = pixels ? new Uint8ClampedArray(pixels.length * 4) : null;
  if (pixels && rgba)
    for (let i = 0; i < pixels.length; i++) {
      const v = Math.round(pixels[i]! * 255);
      rgba.set([v, v, v, 255], i * 4);
    }
  return <PixelCanvas rgba={rgba} label="The drawing as the network sees it (28 × 28)" testId="network-input" />;
}

export function ProbabilityBars({ probs, top }: { probs: Float32Array | null; top: number | null }) {
  return (
    <ol className={styles.bars} data-testid="probabilities" data-top={top ?? ""}>
      {Array.from({ length: 10 }, (_, c) => {
        const p = probs?.[c] ?? 0;
        return (
          <li key={c} className={c === top ? styles.barTop : undefined} data-class={c} data-prob={p.toFixed(4)}>
            <span className={styles.barLabel}>{c}</span>
            <span className={styles.barTrack}>
              <span className={styles.barFill} style={{ width: `${(p * 100).toFixed(1)}%` }} />
            </span>
            <span className={styles.barValue}>{(p * 100).toFixed(1)}%</span>
          </li>
        );
      })}
    </ol>
  );
}

/** Gradient × input of the top class, blue for pixels that raise its score and red for ones that lower it. */
export function AttributionMap({ attribution, top }: { attribution: Float32Array | null; top: number | null }) {
  const maxAbs = attribution ? maxAbsolute(attribution, 1e-6) : 1;
  const rgba = attribution ? divergingRgba(attribution, maxAbs, new Uint8ClampedArray(attribution.length * 4)) : null;
  const stops = [-1, -0.5, 0, 0.5, 1];
  return (
    <figure className={styles.figure}>
      <PixelCanvas rgba={rgba} label={`Attribution of class ${top ?? "none"}`} testId="attribution" />
      <figcaption>
        <div
          className={styles.legendBar}
          style={{ background: `linear-gradient(to right, ${stops.map((t) => divergingFill(t)).join(", ")})` }}
          aria-hidden
        />
        <div className={styles.legendTicks} data-testid="attribution-legend">
          <span>−{maxAbs.toPrecision(2)}</span>
          <span>0</span>
          <span>+{maxAbs.toPrecision(2)}</span>
        </div>
        <p className="muted">
          Gradient × input of class {top ?? "–"}&apos;s score (the logit before the softmax): blue ink speaks for it,
          red ink against it.
        </p>
      </figcaption>
    </figure>
  );
}

export interface NeighbourView {
  row: number;
  label: number;
  distance: number;
  pixels: Uint8Array | null;
}

function digitRgba(pixels: Uint8Array | null): Uint8ClampedArray | null {
  if (!pixels) return null;
  const rgba = new Uint8ClampedArray(pixels.length * 4);
  for (let i = 0; i < pixels.length; i++) rgba.set([pixels[i]!, pixels[i]!, pixels[i]!, 255], i * 4);
  return rgba;
}

export function NeighbourList({ runId, neighbours }: { runId: number; neighbours: NeighbourView[] }) {
  return (
    <ol className={styles.neighbours} data-testid="neighbours" data-count={neighbours.length}>
      {neighbours.map((n) => (
        <li key={n.row} data-row={n.row} data-label={n.label}>
          <a href={`/runs/${runId}/digits/${n.row}`} title={`test digit #${n.row}, distance ${n.distance.toFixed(2)}`}>
            <PixelCanvas rgba={digitRgba(n.pixels)} label={`test digit ${n.row}, a ${n.label}`} testId="neighbour" />
          </a>
          <span>
            <strong>{n.label}</strong> <span className="muted">#{n.row}</span>
          </span>
        </li>
      ))}
    </ol>
  );
}

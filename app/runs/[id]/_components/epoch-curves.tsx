"use client";
// One per-epoch chart (loss, accuracy or counts): train vs validation, or given lines; best-epoch marker, hover/keyboard tooltip.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { layoutCurves, nearestEpoch } from "@/lib/chart/curves";
import { formatCount, formatLoss, formatPercent } from "@/lib/chart/ticks";

/** A line other than training/validation (several runs, a digit pair's two directions), drawn in `color`. */
export interface CurveLine {
  key: string;
  label: string;
  /** One value per epoch in `epochs` order; null leaves a gap. */
  values: Array<number | null>;
  color: string;
  dashed?: boolean;
}

export interface EpochCurvesProps {
  title: string;
  kind: "loss" | "accuracy" | "count";
  epochs: number[];
  train?: number[];
  val?: number[];
  /** Drawn instead of the training and validation lines (with their own legend) when given. */
  lines?: CurveLine[];
  bestEpoch: number | null;
  epochsPlanned: number;
  testId: string;
}

const SERIES_CLASS = { train: "series-train", val: "series-val" } as const;
/** Server-rendered width (SVG units) until the frame is measured; the height is fixed so nothing shifts. */
const DEFAULT_WIDTH = 420;
const HEIGHT = 240;

/** The element's width in CSS px once mounted (and on resize), so text stays 12 px at any screen width. */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      const w = Math.round(entry?.contentRect.width ?? DEFAULT_WIDTH);
      if (w > 0) setWidth(Math.max(260, w));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

export function EpochCurves({
  title,
  kind,
  epochs,
  train,
  val,
  lines,
  bestEpoch,
  epochsPlanned,
  testId,
}: EpochCurvesProps) {
  const frame = useRef<HTMLDivElement>(null);
  const frameWidth = useWidth(frame);
  const series = useMemo(
    () =>
      lines ?? [
        { key: "train", label: "training", values: train ?? [] },
        { key: "val", label: "validation", values: val ?? [] },
      ],
    [lines, train, val],
  );
  const layout = useMemo(
    () => layoutCurves({ epochs, epochsPlanned, kind, bestEpoch, width: frameWidth, height: HEIGHT, series }),
    [epochs, series, kind, bestEpoch, epochsPlanned, frameWidth],
  );
  const [hover, setHover] = useState<number | null>(null);
  const fmt = kind === "loss" ? formatLoss : kind === "count" ? formatCount : formatPercent;
  const { width, height, margin } = layout;
  const hoverIndex = hover === null ? -1 : epochs.indexOf(hover);
  const hoverX = hoverIndex >= 0 ? (layout.series[0]?.points.find((p) => p.epoch === hover)?.x ?? null) : null;

  function onPointerMove(e: PointerEvent<SVGSVGElement>) {
    const rect = e.currentTarget.getBoundingClientRect();
    setHover(nearestEpoch(layout, epochs, ((e.clientX - rect.left) / rect.width) * width));
  }
  function onKeyDown(e: KeyboardEvent<SVGSVGElement>) {
    if (epochs.length === 0 || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
    e.preventDefault();
    const at = hoverIndex < 0 ? epochs.length - 1 : hoverIndex + (e.key === "ArrowRight" ? 1 : -1);
    setHover(epochs[Math.max(0, Math.min(epochs.length - 1, at))] ?? null);
  }

  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div className="chart-frame" ref={frame}>
        <svg
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-label={lines ? `${title} per epoch` : `${title}: training and validation ${kind} per epoch`}
          tabIndex={0}
          onPointerMove={onPointerMove}
          onPointerLeave={() => setHover(null)}
          onBlur={() => setHover(null)}
          onKeyDown={onKeyDown}
        >
          {layout.yTicks.map((t) => (
            <g key={`y${t.value}`} className="tick">
              <line x1={margin.left} x2={width - margin.right} y1={t.pos} y2={t.pos} className="grid" />
              <text x={margin.left - 6} y={t.pos} dy="0.32em" textAnchor="end">
                {t.label}
              </text>
            </g>
          ))}
          {layout.xTicks.map((t) => (
            <g key={`x${t.value}`} className="tick">
              <line
                x1={t.pos}
                x2={t.pos}
                y1={height - margin.bottom}
                y2={height - margin.bottom + 4}
                className="axis"
              />
              <text x={t.pos} y={height - margin.bottom + 16} textAnchor="middle">
                {t.label}
              </text>
            </g>
          ))}
          <line
            x1={margin.left}
            x2={width - margin.right}
            y1={height - margin.bottom}
            y2={height - margin.bottom}
            className="axis"
          />
          <text x={(margin.left + width - margin.right) / 2} y={height - 3} textAnchor="middle" className="axis-label">
            epoch
          </text>
          {layout.bestX !== null ? (
            <g className="best-marker" data-testid={`${testId}-best`} data-epoch={bestEpoch ?? undefined}>
              <line x1={layout.bestX} x2={layout.bestX} y1={margin.top} y2={height - margin.bottom} />
              <text
                x={layout.bestX + (layout.bestX > width * 0.7 ? -4 : 4)}
                y={margin.top + 10}
                textAnchor={layout.bestX > width * 0.7 ? "end" : "start"}
              >
                best (kept)
              </text>
            </g>
          ) : null}
          {layout.series.map((s, i) => {
            const line = lines?.[i];
            return (
              <g
                key={s.key}
                className={line ? undefined : SERIES_CLASS[s.key as keyof typeof SERIES_CLASS]}
                data-series={s.key}
              >
                <path
                  d={s.path}
                  fill="none"
                  style={
                    line
                      ? { stroke: line.color, strokeWidth: 2, strokeDasharray: line.dashed ? "6 3" : undefined }
                      : undefined
                  }
                />
                {s.points.map((p) => (
                  <circle
                    key={p.epoch}
                    cx={p.x}
                    cy={p.y}
                    r={p.epoch === bestEpoch && s.key === "val" ? 5 : 3}
                    data-epoch={p.epoch}
                    data-value={line ? p.value : undefined}
                    style={
                      line
                        ? {
                            fill: line.dashed ? "#fff" : line.color,
                            stroke: line.color,
                            strokeWidth: line.dashed ? 2 : 0,
                          }
                        : undefined
                    }
                  />
                ))}
              </g>
            );
          })}
          {hoverX !== null ? (
            <line className="hover-line" x1={hoverX} x2={hoverX} y1={margin.top} y2={height - margin.bottom} />
          ) : null}
        </svg>
        {epochs.length === 0 ? <p className="chart-empty">No epoch has finished yet.</p> : null}
        {hover !== null && hoverIndex >= 0 && hoverX !== null ? (
          <div
            className="tooltip"
            role="status"
            // Centred on the epoch, but kept inside the chart near either edge.
            style={{
              left: `${(hoverX / width) * 100}%`,
              transform: `translateX(${hoverX > width * 0.75 ? -100 : hoverX < width * 0.25 ? 0 : -50}%)`,
            }}
            data-testid={`${testId}-tooltip`}
          >
            <strong>epoch {hover}</strong>
            {hover === bestEpoch ? " · best" : ""}
            {series.map((s) => (
              <span key={s.key}>
                <br />
                {s.label} {fmt(s.values[hoverIndex] ?? Number.NaN)}
              </span>
            ))}
          </div>
        ) : null}
      </div>
      {lines ? (
        <div className="legend">
          {lines.map((l) => (
            // Not a <span>: .legend span::before draws the training/validation swatches.
            <div key={l.key}>
              <i
                aria-hidden="true"
                style={{
                  display: "inline-block",
                  width: 16,
                  borderTop: `3px ${l.dashed ? "dashed" : "solid"} ${l.color}`,
                  marginRight: 5,
                  verticalAlign: "middle",
                }}
              />
              {l.label}
            </div>
          ))}
          {bestEpoch !== null ? <span className="legend-best">best val_loss (checkpoint kept)</span> : null}
        </div>
      ) : (
        <div className="legend">
          <span className="legend-train">training</span>
          <span className="legend-val">validation</span>
          <span className="legend-best">best val_loss (checkpoint kept)</span>
        </div>
      )}
    </figure>
  );
}

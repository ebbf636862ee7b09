"use client";
// The data map: every training digit at (variability, confidence) on a canvas coloured by correctness, SVG axes and
// regions on top, a hover thumbnail, and a drag box that opens a gallery of the digits inside it.
import { quadtree, scaleLinear, type Quadtree } from "d3";
import { useEffect, useMemo, useRef, useState, type PointerEvent } from "react";
import {
  CORRECTNESS_BUCKETS,
  CORRECTNESS_COLOURS,
  correctnessBucket,
  decodeDataMap,
  type DataMapPoints,
} from "@/lib/chart/data-map";
import { selectInBox, type DataBox } from "@/lib/numeric/dynamics/regions";
import { DIGIT_SIDE, digitToRgba } from "@/lib/chart/pixels";
import { TrainGallery } from "./train-gallery";
import { DataMapAxes } from "./data-map-axes";
import styles from "./data-map.module.css";

const WIDTH = 720;
const HEIGHT = 460;
const MARGIN = { top: 14, right: 16, bottom: 42, left: 52 };
const MAX_VARIABILITY = 0.5;
const HIT_RADIUS_PX = 8;
/** Thumbnails the selection gallery shows at once (the count says how many were selected). */
const GALLERY_LIMIT = 200;

const x = scaleLinear()
  .domain([0, MAX_VARIABILITY])
  .range([MARGIN.left, WIDTH - MARGIN.right]);
const y = scaleLinear()
  .domain([0, 1])
  .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

interface Drag {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** `epochs`: how many epochs the page saw recorded; a live run's refresh with one more fetches the map again. */
export function DataMap({ runId, epochs }: { runId: number; epochs: number }) {
  const [points, setPoints] = useState<DataMapPoints | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [drawn, setDrawn] = useState(0);
  const [hover, setHover] = useState<{ index: number; px: number; py: number } | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [selection, setSelection] = useState<{ box: DataBox; indices: Int32Array } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const thumb = useRef<HTMLCanvasElement>(null);
  const thumbs = useRef(new Map<number, Uint8Array>());

  useEffect(() => {
    let cancelled = false;
    fetch(`/api/runs/${runId}/dynamics`)
      .then(async (res) => {
        if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
        const map = decodeDataMap(await res.arrayBuffer());
        if (!cancelled) setPoints(map);
      })
      .catch((err: unknown) => !cancelled && setError(`could not load the data map: ${String(err)}`));
    return () => {
      cancelled = true;
    };
  }, [runId, epochs]);

  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext("2d");
    if (!el || !ctx || !points) return;
    const dpr = window.devicePixelRatio || 1;
    el.width = WIDTH * dpr;
    el.height = HEIGHT * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.globalAlpha = 0.55;
    // Always-right digits first, so the rarer, harder ones are drawn on top of the dense easy cloud.
    let count = 0;
    for (let bucket = CORRECTNESS_BUCKETS - 1; bucket >= 0; bucket--) {
      ctx.fillStyle = CORRECTNESS_COLOURS[bucket]!;
      for (let i = 0; i < points.count; i++) {
        if (correctnessBucket(points.correctness[i]!) !== bucket) continue;
        ctx.fillRect(x(points.variability[i]!) - 1.25, y(points.confidence[i]!) - 1.25, 2.5, 2.5);
        count++;
      }
    }
    setDrawn(count);
  }, [points]);

  const tree: Quadtree<number> | null = useMemo(() => {
    if (!points) return null;
    return quadtree<number>()
      .x((i) => x(points.variability[i]!))
      .y((i) => y(points.confidence[i]!))
      .addAll(Array.from({ length: points.count }, (_, i) => i));
  }, [points]);

  // The hovered digit's thumbnail: one small request per digit, kept for the page's life.
  useEffect(() => {
    if (!hover) return;
    let cancelled = false;
    const draw = (pixels: Uint8Array) => {
      const ctx = thumb.current?.getContext("2d");
      if (!ctx || cancelled) return;
      const image = new ImageData(DIGIT_SIDE, DIGIT_SIDE);
      digitToRgba(pixels, 0, image.data);
      ctx.putImageData(image, 0, 0);
    };
    const known = thumbs.current.get(hover.index);
    if (known) draw(known);
    else
      fetch(`/api/runs/${runId}/dynamics/pixels?indices=${hover.index}`)
        .then(async (res) => (res.ok ? new Uint8Array(await res.arrayBuffer()) : null))
        .then((pixels) => {
          if (!pixels) return;
          thumbs.current.set(hover.index, pixels);
          draw(pixels);
        })
        .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [hover, runId]);

  const local = (e: PointerEvent<SVGSVGElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { px: e.clientX - rect.left, py: e.clientY - rect.top };
  };
  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    const { px, py } = local(e);
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag({ x0: px, y0: py, x1: px, y1: py });
    setHover(null);
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const { px, py } = local(e);
    if (drag) {
      setDrag({ ...drag, x1: px, y1: py });
      return;
    }
    const found = tree?.find(px, py, HIT_RADIUS_PX);
    setHover(found === undefined ? null : { index: found, px, py });
  };
  const onPointerUp = () => {
    if (!drag || !points) return setDrag(null);
    if (Math.abs(drag.x1 - drag.x0) >= 4 && Math.abs(drag.y1 - drag.y0) >= 4) {
      const box = { x0: x.invert(drag.x0), x1: x.invert(drag.x1), y0: y.invert(drag.y0), y1: y.invert(drag.y1) };
      setSelection({ box, indices: selectInBox(points.confidence, points.variability, box) });
    }
    setDrag(null);
  };

  const shown = selection ? Array.from(selection.indices.subarray(0, GALLERY_LIMIT)) : [];
  const h = hover && points ? hover.index : null;

  return (
    <div>
      {error ? <p className="callout callout-bad">{error}</p> : null}
      <div className={styles.legend} aria-label="correctness colours">
        <span className="muted">correctness (fraction of epochs right):</span>
        {CORRECTNESS_COLOURS.map((c, k) => (
          <span key={c}>
            <span className={styles.swatch} style={{ background: c }} />
            {pct(k / (CORRECTNESS_BUCKETS - 1))}
          </span>
        ))}
      </div>
      <div className={styles.frame} style={{ width: WIDTH, height: HEIGHT }}>
        <canvas
          ref={canvas}
          width={WIDTH}
          height={HEIGHT}
          style={{ width: WIDTH, height: HEIGHT }}
          data-testid="data-map-canvas"
          data-point-count={drawn}
          data-loaded={points ? "1" : "0"}
          role="img"
          aria-label={`data map of ${drawn} training digits: confidence against variability`}
        />
        <svg
          width={WIDTH}
          height={HEIGHT}
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          data-testid="data-map-overlay"
          data-plot={`${MARGIN.left},${WIDTH - MARGIN.right},${MARGIN.top},${HEIGHT - MARGIN.bottom}`}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={() => setHover(null)}
        >
          <DataMapAxes x={x} y={y} width={WIDTH} height={HEIGHT} margin={MARGIN} />
          {drag ? (
            <rect
              x={Math.min(drag.x0, drag.x1)}
              y={Math.min(drag.y0, drag.y1)}
              width={Math.abs(drag.x1 - drag.x0)}
              height={Math.abs(drag.y1 - drag.y0)}
              fill="rgb(59 130 246 / 15%)"
              stroke="#2563eb"
            />
          ) : null}
          {h !== null && points ? (
            <circle cx={x(points.variability[h]!)} cy={y(points.confidence[h]!)} r={4} fill="none" stroke="#000" />
          ) : null}
        </svg>
        {h !== null && points && hover ? (
          <div
            className={styles.tooltip}
            style={{ left: Math.min(hover.px + 12, WIDTH - 260), top: Math.max(0, hover.py - 56) }}
            data-testid="data-map-tooltip"
            data-index={h}
          >
            <canvas ref={thumb} width={DIGIT_SIDE} height={DIGIT_SIDE} />
            <span>
              training digit {h}, label {points.label[h]}
              <br />
              confidence {pct(points.confidence[h]!)}, variability {points.variability[h]!.toFixed(3)}
              <br />
              right in {pct(points.correctness[h]!)} of epochs, forgotten {points.forgetting[h]}×
              {points.firstLearned[h] ? `, learned at epoch ${points.firstLearned[h]}` : ", never learned"}
            </span>
          </div>
        ) : null}
      </div>
      {selection ? (
        <section
          data-testid="selection"
          data-count={selection.indices.length}
          data-box={[selection.box.x0, selection.box.x1, selection.box.y0, selection.box.y1].join(",")}
        >
          <h3>
            {selection.indices.length.toLocaleString("en")} digit{selection.indices.length === 1 ? "" : "s"} selected
            (variability {Math.min(selection.box.x0, selection.box.x1).toFixed(3)}–
            {Math.max(selection.box.x0, selection.box.x1).toFixed(3)}, confidence{" "}
            {Math.min(selection.box.y0, selection.box.y1).toFixed(2)}–
            {Math.max(selection.box.y0, selection.box.y1).toFixed(2)})
            {selection.indices.length > GALLERY_LIMIT ? `; the first ${GALLERY_LIMIT} by index shown` : ""}{" "}
            <button type="button" onClick={() => setSelection(null)}>
              clear
            </button>
          </h3>
          {points ? (
            <TrainGallery
              runId={runId}
              testId="selection-gallery"
              items={shown.map((i) => ({
                index: i,
                label: points.label[i]!,
                caption: `${pct(points.confidence[i]!)} ±${points.variability[i]!.toFixed(2)}`,
                title: `training digit ${i}: label ${points.label[i]}, confidence ${pct(points.confidence[i]!)}, forgotten ${points.forgetting[i]}×`,
              }))}
            />
          ) : null}
        </section>
      ) : (
        <p className="muted">Drag a box on the map to see the digits inside it.</p>
      )}
    </div>
  );
}

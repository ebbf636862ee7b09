"use client";
// The scatter: a base canvas of the points (redrawn on layout, filter, zoom) under an overlay canvas that alone follows the pointer.
import { select, zoom, zoomIdentity, type ZoomBehavior } from "d3";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Quadtree } from "d3";
import {
  CLASS_COLOURS,
  fitAffine,
  indexPoints,
  invertBox,
  layoutChecksum,
  nearestPoint,
  pointRadius,
  rowsInBox,
  zoomAffine,
  type Affine,
  type Bounds,
  type ZoomState,
} from "@/lib/chart/scatter";
import { DIGIT_SIDE } from "@/lib/chart/pixels";
import { drawBase, drawOverlay, type BaseLayer } from "./scatter-draw";
import { updateTooltip } from "./scatter-tooltip";

export interface ScatterProps extends BaseLayer {
  /** Extent of the whole series, so an animation keeps one frame of reference. */
  bounds: Bounds;
  pixels: Uint8Array | null;
  mode: "pan" | "select";
  /** False while a series animates: no hit-testing on moving points. */
  interactive: boolean;
  /** Changes when another series is shown: the zoom resets. */
  resetKey: string;
  indexOf(row: number): number;
  /** A click: the row under the pointer (null: none) for the inspector panel, or for a new tab with ⌘/Ctrl. */
  onPin(row: number | null, newTab: boolean): void;
  /** A double-click on a point: the full inspector page. */
  onOpen(row: number): void;
  onSelect(rows: number[]): void;
}

const PADDING_PX = 16;
const HIT_RADIUS_PX = 10;

export function ScatterCanvas(props: ScatterProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const base = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const tipThumb = useRef<HTMLCanvasElement>(null);
  const tipText = useRef<HTMLSpanElement>(null);
  const latest = useRef(props);
  useLayoutEffect(() => {
    latest.current = props;
  });
  const zoomState = useRef<ZoomState>({ k: 1, x: 0, y: 0 });
  const affine = useRef<Affine>({ ax: 0, bx: 1, ay: 0, by: -1 });
  const behaviour = useRef<ZoomBehavior<HTMLCanvasElement, unknown> | null>(null);
  const index = useRef<{ coords: Float32Array; visible: Int32Array; tree: Quadtree<number> } | null>(null);
  const rect = useRef<DOMRect | null>(null);
  /** The base layer's pixels, reused between paints (5 MB at 1,250 × 680 on a 1.5× screen). */
  const image = useRef<ImageData | null>(null);
  const hover = useRef<number | null>(null);
  const box = useRef<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const boxed = useRef(false);
  /** Row under the latest single click (null: empty space), for the double-click that may follow it. */
  const firstClick = useRef<number | null>(null);
  const frames = useRef({ base: 0, overlay: 0 });
  const [size, setSize] = useState({ width: 0, height: 0 });
  const sized = useRef(size);
  useLayoutEffect(() => {
    sized.current = size;
  }, [size]);

  const paintBase = useCallback(() => {
    frames.current.base = 0;
    const canvas = base.current;
    const ctx = canvas?.getContext("2d");
    const size = sized.current;
    if (!canvas || !ctx || size.width === 0) return;
    const p = latest.current;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    affine.current = zoomAffine(fitAffine(p.bounds, size.width, size.height, PADDING_PX), zoomState.current);
    if (image.current?.width !== canvas.width || image.current.height !== canvas.height)
      image.current = new ImageData(canvas.width, canvas.height);
    drawBase(ctx, image.current, dpr, affine.current, pointRadius(p.visible.length, zoomState.current.k), p);
    rect.current = null;
    const a = affine.current;
    wrap.current?.setAttribute("data-affine", [a.ax, a.bx, a.ay, a.by].join(","));
  }, []);

  const paintOverlay = useCallback(() => {
    frames.current.overlay = 0;
    const ctx = overlay.current?.getContext("2d");
    const size = sized.current;
    if (!ctx || size.width === 0) return;
    const p = latest.current;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const r = hover.current;
    const a = affine.current;
    const point =
      r === null
        ? null
        : {
            sx: a.ax + a.bx * p.coords[2 * r]!,
            sy: a.ay + a.by * p.coords[2 * r + 1]!,
            radius: pointRadius(p.visible.length, zoomState.current.k),
            colour: CLASS_COLOURS[p.labels[r]!]!,
          };
    drawOverlay(ctx, size.width, size.height, point, box.current);
    if (tip.current && tipText.current && tipThumb.current) {
      const hit =
        point && r !== null
          ? {
              ...point,
              row: r,
              index: p.indexOf(r),
              trueLabel: p.labels[r]!,
              predicted: p.predicted ? p.predicted[r]! : null,
            }
          : null;
      updateTooltip({ box: tip.current, text: tipText.current, thumb: tipThumb.current }, hit, p.pixels, sized.current);
    }
  }, []);

  const schedule = useCallback(
    (which: "base" | "overlay") => {
      if (frames.current[which]) return;
      frames.current[which] = requestAnimationFrame(which === "base" ? paintBase : paintOverlay);
    },
    [paintBase, paintOverlay],
  );

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      const width = Math.round(entry?.contentRect.width ?? 0);
      setSize({ width, height: Math.round(Math.min(680, Math.max(300, width * 0.72))) });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const dpr = window.devicePixelRatio || 1;
    for (const c of [base.current, overlay.current]) {
      if (!c) continue;
      c.width = Math.round(size.width * dpr);
      c.height = Math.round(size.height * dpr);
    }
    paintBase();
    paintOverlay();
  }, [size, paintBase, paintOverlay]);

  useEffect(() => {
    hover.current = null;
    schedule("base");
    schedule("overlay");
  }, [
    props.coords,
    props.visible,
    props.labels,
    props.predicted,
    props.selected,
    props.pinned,
    props.neighbours,
    props.bounds,
    schedule,
  ]);

  useEffect(() => {
    wrap.current?.setAttribute("data-checksum", layoutChecksum(props.coords));
  }, [props.coords]);

  /** The quadtree of the shown points, built on first need (about 5 ms for 10,000) and kept until they change. */
  const ensureTree = useCallback((): Quadtree<number> | null => {
    const p = latest.current;
    if (!p.interactive) return null;
    if (index.current?.coords !== p.coords || index.current.visible !== p.visible) {
      index.current = { coords: p.coords, visible: p.visible, tree: indexPoints(p.coords, p.visible) };
    }
    return index.current.tree;
  }, []);

  // Build it while idle, so the first hover after a change does not pay for it.
  useEffect(() => {
    if (!props.interactive) return;
    const timer = setTimeout(ensureTree, 30);
    return () => clearTimeout(timer);
  }, [props.coords, props.visible, props.interactive, ensureTree]);

  useEffect(() => {
    const forget = () => void (rect.current = null);
    window.addEventListener("scroll", forget, { passive: true, capture: true });
    window.addEventListener("resize", forget);
    return () => {
      window.removeEventListener("scroll", forget, { capture: true });
      window.removeEventListener("resize", forget);
    };
  }, []);

  useEffect(() => {
    const canvas = overlay.current;
    if (!canvas) return;
    const z = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.5, 60])
      .filter(
        (ev: Event) =>
          ev.type === "wheel" ||
          (latest.current.mode === "pan" && !(ev as MouseEvent).shiftKey && !(ev as MouseEvent).button),
      )
      .on("zoom", (ev: { transform: ZoomState }) => {
        zoomState.current = { k: ev.transform.k, x: ev.transform.x, y: ev.transform.y };
        wrap.current?.setAttribute("data-zoom", [ev.transform.k, ev.transform.x, ev.transform.y].join(","));
        hover.current = null;
        schedule("base");
        schedule("overlay");
      });
    select(canvas).call(z).on("dblclick.zoom", null);
    behaviour.current = z;
    return () => void select(canvas).on(".zoom", null);
  }, [schedule]);

  useEffect(() => {
    const canvas = overlay.current;
    if (canvas && behaviour.current) select(canvas).call(behaviour.current.transform, zoomIdentity);
  }, [props.resetKey]);

  /** Pointer position in canvas pixels; the canvas box is cached between scrolls so a move never forces a layout. */
  function local(ev: { clientX: number; clientY: number }): [number, number] {
    rect.current ??= overlay.current!.getBoundingClientRect();
    return [ev.clientX - rect.current.left, ev.clientY - rect.current.top];
  }

  function hitTest(sx: number, sy: number): number | null {
    const tree = ensureTree();
    return tree ? nearestPoint(tree, affine.current, sx, sy, HIT_RADIUS_PX) : null;
  }

  function onPointerEnter() {
    rect.current = null;
  }

  function onPointerDown(ev: React.PointerEvent<HTMLCanvasElement>) {
    if (ev.button !== 0 || (props.mode !== "select" && !ev.shiftKey)) return;
    const [x, y] = local(ev);
    box.current = { x0: x, y0: y, x1: x, y1: y };
    ev.currentTarget.setPointerCapture(ev.pointerId);
  }

  function onPointerMove(ev: React.PointerEvent<HTMLCanvasElement>) {
    const [x, y] = local(ev);
    if (box.current) {
      box.current = { ...box.current, x1: x, y1: y };
    } else {
      const row = hitTest(x, y);
      if (row === hover.current) return;
      hover.current = row;
    }
    schedule("overlay");
  }

  function onPointerUp() {
    const b = box.current;
    if (!b) return;
    box.current = null;
    schedule("overlay");
    if (Math.abs(b.x1 - b.x0) < 4 && Math.abs(b.y1 - b.y0) < 4) return;
    boxed.current = true;
    const p = latest.current;
    props.onSelect(rowsInBox(p.coords, p.visible, invertBox(affine.current, b.x0, b.y0, b.x1, b.y1)));
  }

  function onClick(ev: React.MouseEvent<HTMLCanvasElement>) {
    if (boxed.current) {
      boxed.current = false;
      return;
    }
    const [x, y] = local(ev);
    const row = hitTest(x, y);
    // A double-click opens the point under its first click: that click opened the panel, which may have moved the plot.
    if (ev.detail <= 1) firstClick.current = row;
    props.onPin(row, ev.metaKey || ev.ctrlKey);
  }

  function onDoubleClick(ev: React.MouseEvent<HTMLCanvasElement>) {
    // The point under the first click, not a new hit test (see onClick).
    const [x, y] = local(ev);
    const row = firstClick.current ?? hitTest(x, y);
    if (row !== null) props.onOpen(row);
  }

  function onLeave() {
    if (box.current) return;
    hover.current = null;
    schedule("overlay");
  }

  function resetZoom() {
    if (overlay.current && behaviour.current) select(overlay.current).call(behaviour.current.transform, zoomIdentity);
  }

  return (
    <div
      className="scatter"
      ref={wrap}
      data-testid="scatter"
      data-pixels={props.pixels ? "loaded" : "pending"}
      style={{ height: size.height || undefined }}
    >
      <canvas
        ref={base}
        className="scatter-base"
        style={{ width: size.width, height: size.height }}
        aria-hidden="true"
      />
      <canvas
        ref={overlay}
        className={`scatter-overlay scatter-mode-${props.mode}`}
        style={{ width: size.width, height: size.height }}
        role="img"
        aria-label={`scatter of ${props.visible.length} digits: hover for a digit, click to inspect it and its neighbours beside the plot, double-click to open the full inspector`}
        data-testid="scatter-overlay"
        onPointerEnter={onPointerEnter}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={onLeave}
        onClick={onClick}
        onDoubleClick={onDoubleClick}
      />
      <div ref={tip} className="scatter-tip" data-testid="scatter-tooltip" hidden>
        <canvas ref={tipThumb} width={DIGIT_SIDE} height={DIGIT_SIDE} />
        <span ref={tipText} />
      </div>
      <button type="button" className="scatter-reset" onClick={resetZoom} data-testid="reset-zoom">
        reset zoom
      </button>
    </div>
  );
}

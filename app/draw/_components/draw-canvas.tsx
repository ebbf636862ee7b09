"use client";
// The 280 × 280 drawing surface: pen and eraser strokes from mouse, touch or pen (Pointer Events), undo by stroke,
// clear, and a test digit loaded underneath at 10× to edit.
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState } from "react";
import { IMAGE_SIDE } from "@/lib/core/constants";
import { inkFromAlpha, type InkImage } from "@/lib/numeric/draw/mnist-preprocess";
import styles from "./draw.module.css";

/** Canvas side in pixels: 10 per MNIST pixel. */
export const CANVAS_SIDE = 280;
const CELL = CANVAS_SIDE / IMAGE_SIDE;
/**
 * Pen width in canvas pixels: MNIST's strokes are about 2 pixels wide on a digit 20 pixels tall, and a digit drawn
 * across most of this canvas is about 200 pixels tall. Pressure is ignored: a mouse has none, and MNIST's pens were
 * of one width.
 */
export const PEN_WIDTH = 20;
const ERASER_WIDTH = 28;
/** While a stroke goes on, the drawing is reported at most this often. */
const REPORT_EVERY_MS = 100;

interface Stroke {
  erase: boolean;
  points: Array<[number, number]>;
}

export interface DrawCanvasHandle {
  /** Replaces the drawing with a test digit (uint8 [784]) drawn at 10×, ready to edit. */
  loadDigit(pixels: Uint8Array): void;
}

function paintStroke(ctx: CanvasRenderingContext2D, stroke: Stroke): void {
  ctx.globalCompositeOperation = stroke.erase ? "destination-out" : "source-over";
  ctx.strokeStyle = "#000";
  ctx.fillStyle = "#000";
  ctx.lineWidth = stroke.erase ? ERASER_WIDTH : PEN_WIDTH;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  const [first, ...rest] = stroke.points;
  if (!first) return;
  ctx.beginPath();
  if (rest.length === 0) {
    ctx.arc(first[0], first[1], ctx.lineWidth / 2, 0, Math.PI * 2);
    ctx.fill();
  } else {
    ctx.moveTo(first[0], first[1]);
    for (const [x, y] of rest) ctx.lineTo(x, y);
    ctx.stroke();
  }
  ctx.globalCompositeOperation = "source-over";
}

function paintDigit(ctx: CanvasRenderingContext2D, pixels: Uint8Array): void {
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i] === 0) continue;
    ctx.fillStyle = `rgba(0,0,0,${pixels[i]! / 255})`;
    ctx.fillRect((i % IMAGE_SIDE) * CELL, Math.floor(i / IMAGE_SIDE) * CELL, CELL, CELL);
  }
}

/** `onInk(ink, final)`: the drawing's ink [280, 280] in 0..1; final is true at a stroke's end, undo, clear and load. */
export const DrawCanvas = forwardRef<DrawCanvasHandle, { onInk: (ink: InkImage, final: boolean) => void }>(
  function DrawCanvas({ onInk }, ref) {
    const canvasRef = useRef<HTMLCanvasElement>(null);
    const strokes = useRef<Stroke[]>([]);
    const base = useRef<Uint8Array | null>(null);
    const active = useRef<{ pointerId: number; stroke: Stroke } | null>(null);
    const lastReport = useRef(0);
    const [erasing, setErasing] = useState(false);
    const [count, setCount] = useState(0);

    const context = () => canvasRef.current?.getContext("2d", { willReadFrequently: true }) ?? null;

    const report = useCallback(
      (final: boolean) => {
        const ctx = context();
        if (!ctx) return;
        lastReport.current = performance.now();
        onInk(inkFromAlpha(ctx.getImageData(0, 0, CANVAS_SIDE, CANVAS_SIDE).data, CANVAS_SIDE, CANVAS_SIDE), final);
      },
      [onInk],
    );

    const repaint = useCallback(() => {
      const ctx = context();
      if (!ctx) return;
      ctx.clearRect(0, 0, CANVAS_SIDE, CANVAS_SIDE);
      if (base.current) paintDigit(ctx, base.current);
      for (const s of strokes.current) paintStroke(ctx, s);
    }, []);

    useImperativeHandle(
      ref,
      () => ({
        loadDigit(pixels) {
          base.current = pixels;
          strokes.current = [];
          setCount(0);
          repaint();
          report(true);
        },
      }),
      [repaint, report],
    );

    useEffect(() => repaint(), [repaint]);

    const point = (e: React.PointerEvent<HTMLCanvasElement>): [number, number] => {
      const rect = e.currentTarget.getBoundingClientRect();
      return [
        ((e.clientX - rect.left) / rect.width) * CANVAS_SIDE,
        ((e.clientY - rect.top) / rect.height) * CANVAS_SIDE,
      ];
    };

    const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
      if (active.current || (e.pointerType === "mouse" && e.button !== 0)) return;
      e.currentTarget.setPointerCapture(e.pointerId);
      const stroke: Stroke = { erase: erasing, points: [point(e)] };
      active.current = { pointerId: e.pointerId, stroke };
      strokes.current.push(stroke);
      const ctx = context();
      if (ctx) paintStroke(ctx, stroke);
    };

    const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
      const current = active.current;
      if (!current || current.pointerId !== e.pointerId) return;
      // A pen or a fast mouse reports several positions per frame: keep them all for a smooth line.
      const events = e.nativeEvent.getCoalescedEvents?.() ?? [];
      const rect = e.currentTarget.getBoundingClientRect();
      const points: Array<[number, number]> =
        events.length > 0
          ? events.map((c) => [
              ((c.clientX - rect.left) / rect.width) * CANVAS_SIDE,
              ((c.clientY - rect.top) / rect.height) * CANVAS_SIDE,
            ])
          : [point(e)];
      const ctx = context();
      const previous = current.stroke.points[current.stroke.points.length - 1]!;
      current.stroke.points.push(...points);
      if (ctx) paintStroke(ctx, { erase: current.stroke.erase, points: [previous, ...points] });
      if (performance.now() - lastReport.current >= REPORT_EVERY_MS) report(false);
    };

    const endStroke = (e: React.PointerEvent<HTMLCanvasElement>) => {
      if (!active.current || active.current.pointerId !== e.pointerId) return;
      active.current = null;
      setCount(strokes.current.length);
      report(true);
    };

    const undo = () => {
      if (strokes.current.length === 0) return;
      strokes.current.pop();
      setCount(strokes.current.length);
      repaint();
      report(true);
    };

    const clear = () => {
      strokes.current = [];
      base.current = null;
      setCount(0);
      repaint();
      report(true);
    };

    return (
      <div className={styles.canvasBox}>
        <canvas
          ref={canvasRef}
          width={CANVAS_SIDE}
          height={CANVAS_SIDE}
          className={styles.canvas}
          data-testid="draw-canvas"
          data-strokes={count}
          aria-label="Drawing canvas: draw a digit with the mouse, a finger or a pen"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={endStroke}
          onPointerCancel={endStroke}
        />
        <div className={styles.tools}>
          <button type="button" onClick={() => setErasing(false)} aria-pressed={!erasing} data-testid="pen">
            Pen
          </button>
          <button type="button" onClick={() => setErasing(true)} aria-pressed={erasing} data-testid="eraser">
            Eraser
          </button>
          <button type="button" onClick={undo} disabled={count === 0} data-testid="undo">
            Undo
          </button>
          <button type="button" onClick={clear} data-testid="clear">
            Clear
          </button>
        </div>
      </div>
    );
  },
);

"use client";
// The /draw playground: a drawing, preprocessed as MNIST was, run through the chosen run's model in the browser on
// every stroke, with its nearest test digits and its place in the run's layout from the server.
import { useCallback, useEffect, useRef, useState } from "react";
import { preprocessDrawing, type InkImage } from "@/lib/numeric/draw/mnist-preprocess";
import { DRAWING_NEIGHBOURS, type DrawingNeighboursAnswer } from "@/lib/core/drawing-neighbours";
import { DrawCanvas, type DrawCanvasHandle } from "./draw-canvas";
import { loadBrowserModel, type BrowserModel, type DrawingPrediction } from "./browser-model";
import { AttributionMap, NetworkInput, NeighbourList, ProbabilityBars, type NeighbourView } from "./result-panels";
import { LayoutScatter } from "./layout-scatter";
import { fetchTestDigit } from "./test-digits";
import styles from "./draw.module.css";

/** The run as the page hands it over (lib/features/draw/draw-page.ts's DrawRunView). */
export interface PlaygroundRun {
  id: number;
  testSize: number;
  modelUrl: string;
  layer: { index: number; name: string; width: number } | null;
  layoutUrl: string | null;
  labels: string;
}

/** One drawing read from the canvas: the network's input (null when blank), when it was read, its sequence number. */
interface Drawing {
  pixels: Float32Array | null;
  readAt: number;
  seq: number;
}

type ModelState =
  { status: "loading" } | { status: "ready"; model: BrowserModel } | { status: "failed"; error: string };

/** Runs `task` on the newest value only: while one call is in flight, later values replace each other. */
function latestOnly<T>(task: (value: T) => Promise<void>): (value: T) => void {
  let running = false;
  let pending: { value: T } | null = null;
  const pump = async (value: T) => {
    running = true;
    try {
      await task(value);
    } finally {
      running = false;
      const next = pending;
      pending = null;
      if (next) void pump(next.value);
    }
  };
  return (value) => {
    if (running) pending = { value };
    else void pump(value);
  };
}

export function DrawPlayground({ run }: { run: PlaygroundRun }) {
  const canvas = useRef<DrawCanvasHandle>(null);
  const [model, setModel] = useState<ModelState>({ status: "loading" });
  const [input, setInput] = useState<Float32Array | null>(null);
  const [prediction, setPrediction] = useState<DrawingPrediction | null>(null);
  const [predictions, setPredictions] = useState(0);
  /** From the canvas's ink to the readout: preprocessing, prediction and attribution (a queued drawing waits too). */
  const [updateMs, setUpdateMs] = useState<number | null>(null);
  const [neighbours, setNeighbours] = useState<NeighbourView[]>([]);
  const [marker, setMarker] = useState<{ x: number; y: number } | null>(null);
  const [layout, setLayout] = useState<Float32Array | null>(null);
  const [digitIndex, setDigitIndex] = useState("0");
  const [loadedDigit, setLoadedDigit] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const generation = useRef(0);
  /** Drawings read from the canvas, and the newest one whose readout is shown: equal once the page has caught up. */
  const inkSeq = useRef(0);
  const [readSeq, setReadSeq] = useState(0);
  const [doneSeq, setDoneSeq] = useState(0);

  useEffect(() => {
    let live = true;
    let loaded: BrowserModel | null = null;
    loadBrowserModel(run.modelUrl).then(
      (m) => {
        loaded = m;
        if (live) setModel({ status: "ready", model: m });
        else m.dispose();
      },
      (err: unknown) => live && setModel({ status: "failed", error: (err as Error).message }),
    );
    return () => {
      live = false;
      loaded?.dispose();
    };
  }, [run.modelUrl]);

  useEffect(() => {
    if (!run.layoutUrl) return;
    let live = true;
    fetch(run.layoutUrl)
      .then((res) => (res.ok ? res.arrayBuffer() : Promise.reject(new Error(`layout: ${res.status}`))))
      .then((buffer) => live && setLayout(new Float32Array(buffer)))
      .catch((err: Error) => live && setProblem(err.message));
    return () => {
      live = false;
    };
  }, [run.layoutUrl]);

  /** Takes the preprocessed drawing and when its ink was read (performance.now()), for the update's duration. */
  const predictRef = useRef<((drawing: Drawing) => void) | null>(null);
  useEffect(() => {
    if (model.status !== "ready") return;
    // Each runs on the newest drawing only, so a burst of strokes never queues work.
    const askNeighbours = latestOnly(async ({ hidden, gen }: { hidden: Float32Array; gen: number }) => {
      const res = await fetch(`/api/runs/${run.id}/drawing-neighbours`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ hidden: Array.from(hidden), k: DRAWING_NEIGHBOURS }),
      });
      if (!res.ok) {
        setProblem(`neighbours: ${res.status}`);
        return;
      }
      const answer = (await res.json()) as DrawingNeighboursAnswer;
      const pixels = await Promise.all(answer.neighbours.map((n) => fetchTestDigit(run.id, n.row).catch(() => null)));
      if (gen !== generation.current) return;
      setNeighbours(answer.neighbours.map((n, i) => ({ ...n, pixels: pixels[i] ?? null })));
      setMarker(answer.position);
    });
    predictRef.current = latestOnly(async ({ pixels, readAt, seq }: Drawing) => {
      const gen = ++generation.current;
      if (!pixels) {
        setPrediction(null);
        setNeighbours([]);
        setMarker(null);
        setDoneSeq(seq);
        return;
      }
      const result = await model.model.predict(pixels);
      setPrediction(result);
      setUpdateMs(performance.now() - readAt);
      setDoneSeq(seq);
      setPredictions((n) => n + 1);
      if (run.layer) askNeighbours({ hidden: result.hidden, gen });
    });
    // A drawing made while the model loaded is predicted now.
    if (input) predictRef.current({ pixels: input, readAt: performance.now(), seq: inkSeq.current });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a newly loaded model re-runs this
  }, [model]);

  const onInk = useCallback((ink: InkImage) => {
    const readAt = performance.now();
    const seq = ++inkSeq.current;
    const pixels = preprocessDrawing(ink);
    setInput(pixels);
    setReadSeq(seq);
    predictRef.current?.({ pixels, readAt, seq });
  }, []);

  const loadDigit = async (index: number) => {
    if (!Number.isInteger(index) || index < 0 || index >= run.testSize) {
      setProblem(`a test digit index is 0..${run.testSize - 1}`);
      return;
    }
    setProblem(null);
    setDigitIndex(String(index));
    try {
      const pixels = await fetchTestDigit(run.id, index);
      canvas.current?.loadDigit(pixels);
      setLoadedDigit(index);
    } catch (err) {
      setProblem((err as Error).message);
    }
  };

  const ready = model.status === "ready" ? model.model : null;
  return (
    <div
      className={styles.playground}
      data-testid="playground"
      data-backend={ready?.backend ?? ""}
      data-load-ms={ready ? ready.loadMs.toFixed(1) : ""}
      data-predict-ms={prediction ? prediction.durationMs.toFixed(2) : ""}
      data-update-ms={updateMs === null ? "" : updateMs.toFixed(2)}
      data-predictions={predictions}
      data-loaded-digit={loadedDigit ?? ""}
      data-read-seq={readSeq}
      data-done-seq={doneSeq}
    >
      <section className="card">
        <DrawCanvas ref={canvas} onInk={onInk} />
        <div className={styles.tools}>
          <label>
            Test digit{" "}
            <input
              type="number"
              min={0}
              max={run.testSize - 1}
              value={digitIndex}
              onChange={(e) => setDigitIndex(e.target.value)}
              data-testid="digit-index"
            />
          </label>
          <button type="button" onClick={() => void loadDigit(Number(digitIndex))} data-testid="load-digit">
            Start from it
          </button>
          <button
            type="button"
            onClick={() => void loadDigit(Math.floor(Math.random() * run.testSize))}
            data-testid="random-digit"
          >
            Random
          </button>
        </div>
        <p className="muted" data-testid="model-status">
          {model.status === "loading" && "Loading the model into the browser…"}
          {model.status === "failed" && `The model did not load: ${model.error}`}
          {ready &&
            `Model loaded in ${Math.round(ready.loadMs)} ms on tfjs's ${ready.backend} backend` +
              (prediction ? `; last prediction ${prediction.durationMs.toFixed(1)} ms.` : ".")}
        </p>
        {problem && <p className="callout callout-bad">{problem}</p>}
      </section>
      <section className="card">
        <h2>Prediction</h2>
        <div className={styles.row}>
          <figure className={styles.figure}>
            <NetworkInput pixels={input} />
            <figcaption className="muted">What the network sees</figcaption>
          </figure>
          <ProbabilityBars probs={prediction?.probs ?? null} top={prediction?.top ?? null} />
        </div>
        <h2>Why</h2>
        <AttributionMap attribution={prediction?.attribution ?? null} top={prediction?.top ?? null} />
      </section>
      <section className="card">
        <h2>Nearest test digits</h2>
        <p className="muted">
          {run.layer
            ? `The ${DRAWING_NEIGHBOURS} test digits whose activations of ${run.layer.name} are nearest to the drawing's.`
            : "This run stores no test-set activations, so there are no neighbours to show."}
        </p>
        <NeighbourList runId={run.id} neighbours={neighbours} />
        <h2>Place in the layout</h2>
        {layout ? (
          <LayoutScatter coords={layout} labels={run.labels} marker={marker} />
        ) : (
          <p className="muted">
            {run.layoutUrl ? "Loading the layout…" : "This run has no t-SNE layout of its test digits yet."}
          </p>
        )}
      </section>
    </div>
  );
}

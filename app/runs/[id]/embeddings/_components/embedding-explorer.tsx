"use client";
// The embedding explorer: picks a series and frame, animates between frames, filters classes, inspects and selects
// digits; state in the URL. New layouts (a live run) join the series without moving the frame shown.
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { PIXELS_LAYER } from "@/lib/core/constants";
import { classCounts, framePosition, interpolateLayouts, layoutBounds, visibleRows } from "@/lib/chart/scatter";
import {
  digitsToBytes,
  explorerQuery,
  predictionsFor,
  resolveView,
  scatterCsv,
  testIndexOf,
  type ExplorerView,
  type Method,
  type SeriesInfo,
  type Subset,
  type SubsetPoints,
} from "@/lib/chart/scatter-view";
import { ClassLegend } from "./class-legend";
import { SelectionPanel } from "./digit-panels";
import { ExplorerControls, frameLabel, METHOD_NAMES } from "./explorer-controls";
import { InspectorPanel } from "./inspector-panel";
import { ProjectionFigures } from "./projection-figures";
import { ScatterCanvas } from "./scatter-canvas";
import { useNeighbours, useSeriesLayouts, useSubsetPixels, type SeriesLayouts } from "./use-explorer-data";

interface Props {
  runId: number;
  series: SeriesInfo[];
  points: Record<Subset, SubsetPoints>;
  initial: ExplorerView;
  /** The run's job still stores layouts (the controls say a missing method may come). */
  live: boolean;
}

/** Time to move from one epoch (or snapshot) to the next while playing. */
const MS_PER_FRAME = 900;
const NO_NEIGHBOURS: number[] = [];

export function EmbeddingExplorer({ runId, series, points, initial, live }: Props) {
  const router = useRouter();
  const start = resolveView(series, initial);
  const [key, setKey] = useState(() =>
    start ? { subset: start.series.subset, layer: start.series.layerIndex, method: start.series.method } : null,
  );
  const [position, setPosition] = useState(start?.frame ?? 0);
  const [classes, setClasses] = useState(initial.classes);
  const [playing, setPlaying] = useState(false);
  const [mode, setMode] = useState<"pan" | "select">("pan");
  /** The row a click opened in the inspector panel (also ringed on the scatter, its neighbours marked). */
  const [inspected, setInspected] = useState<number | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const positionRef = useRef(position);
  useEffect(() => {
    positionRef.current = position;
  }, [position]);

  const shown =
    (key && series.find((s) => s.subset === key.subset && s.layerIndex === key.layer && s.method === key.method)) ||
    start?.series ||
    null;
  // When the catalog grows (a live run), the shown series' frames are a new list: keep the frame shown by its epoch
  // and iteration, not by its place in the list, so a layout stored in between never moves the view.
  const shownKey = shown ? `${shown.subset}/${shown.layerIndex}/${shown.method}` : "";
  const [seenFrames, setSeenFrames] = useState({ key: shownKey, frames: shown?.frames });
  if (shown && seenFrames.frames !== shown.frames) {
    setSeenFrames({ key: shownKey, frames: shown.frames });
    const was = seenFrames.key === shownKey && !playing ? seenFrames.frames?.[Math.round(position)] : undefined;
    const now = was ? shown.frames.findIndex((f) => f.epoch === was.epoch && f.iteration === was.iteration) : -1;
    if (now >= 0 && now !== Math.round(position)) setPosition(now);
  }
  const frameCount = shown?.frames.length ?? 0;
  const frameIndex = Math.min(Math.round(position), Math.max(0, frameCount - 1));
  const frame = shown?.frames[frameIndex];
  const subsetPoints = points[shown?.subset ?? "probe"];
  const { data: loaded, error } = useSeriesLayouts(runId, shown);
  // While another series of the same digits loads, the previous one stays on screen (no flash, no remount).
  // Kept by setting state during render (React's pattern for values derived from earlier renders), not in an effect.
  const [previous, setPrevious] = useState<{ subset: Subset; layouts: SeriesLayouts } | null>(null);
  if (loaded && shown && (previous?.layouts !== loaded || previous.subset !== shown.subset)) {
    setPrevious({ subset: shown.subset, layouts: loaded });
  }
  const layouts = loaded ?? (previous && previous.subset === shown?.subset ? previous.layouts : null);
  const pixels = useSubsetPixels(runId, subsetPoints.subset);

  const labels = useMemo(() => digitsToBytes(subsetPoints.labels), [subsetPoints.labels]);
  const prediction = predictionsFor(subsetPoints, frame);
  const predictedDigits = prediction?.predicted ?? null;
  const predicted = useMemo(() => (predictedDigits ? digitsToBytes(predictedDigits) : null), [predictedDigits]);
  const visible = useMemo(() => visibleRows(labels, classes), [labels, classes]);
  const totals = useMemo(() => classCounts(labels, Int32Array.from(labels.keys())), [labels]);
  const bounds = useMemo(() => (layouts ? layoutBounds(layouts.layouts) : null), [layouts]);
  const coords = useMemo(() => {
    if (!layouts || layouts.layouts.length === 0) return null;
    const { lower, upper, t } = framePosition(position, layouts.layouts.length);
    const a = layouts.layouts[lower]!;
    return t === 0 ? a : interpolateLayouts(a, layouts.layouts[upper]!, t);
  }, [layouts, position]);
  const selectedMask = useMemo(() => {
    if (selected.length === 0) return null;
    const mask = new Uint8Array(labels.length);
    for (const r of selected) mask[r] = 1;
    return mask;
  }, [selected, labels.length]);

  const neighbourQuery =
    shown && inspected !== null
      ? {
          subset: shown.subset,
          layer: shown.layerIndex,
          epoch: shown.layerIndex === PIXELS_LAYER ? 0 : (frame?.epoch ?? 0),
          row: inspected,
          k: 10,
        }
      : null;
  const neighbours = useNeighbours(runId, neighbourQuery);
  const neighbourRows = useMemo(
    () =>
      neighbours.data && neighbours.data.row === inspected
        ? neighbours.data.neighbours.map((n) => n.row)
        : NO_NEIGHBOURS,
    [neighbours.data, inspected],
  );

  useEffect(() => {
    if (!shown || playing) return;
    window.history.replaceState(null, "", `${window.location.pathname}${explorerQuery(shown, frameIndex, classes)}`);
  }, [shown, frameIndex, classes, playing]);

  useEffect(() => {
    if (!playing) return;
    let raf = 0;
    let last = performance.now();
    let at = positionRef.current;
    const tick = (now: number) => {
      at += (now - last) / MS_PER_FRAME;
      last = now;
      if (at >= frameCount - 1) {
        setPosition(frameCount - 1);
        setPlaying(false);
        return;
      }
      setPosition(at);
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing, frameCount]);

  if (!shown) return null;

  function showSeries(subset: Subset, layer: number, method: Method) {
    const next = resolveView(series, { subset, layer, method, epoch: frame?.epoch ?? null, iteration: null, classes });
    if (!next) return;
    setPlaying(false);
    setKey({ subset: next.series.subset, layer: next.series.layerIndex, method: next.series.method });
    setPosition(next.frame);
    if (next.series.subset !== shown?.subset) {
      setInspected(null);
      setSelected([]);
    }
  }

  function seek(p: number) {
    setPlaying(false);
    setPosition(p);
  }

  function togglePlay() {
    if (playing) {
      setPlaying(false);
      setPosition(Math.round(positionRef.current));
      return;
    }
    if (positionRef.current >= frameCount - 1) setPosition(0);
    setPlaying(true);
  }

  function exportCsv() {
    const layout = loaded?.layouts[frameIndex];
    if (!layout || !shown) return;
    const blob = new Blob([scatterCsv(layout, subsetPoints, predictedDigits, visible)], { type: "text/csv" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    const at = shown.subset === "probe" ? `epoch${frame?.epoch ?? 0}` : `iter${frame?.iteration ?? 0}`;
    a.download = `run${runId}-${shown.subset}-${shown.layerName}-${shown.method}-${at}.csv`;
    a.click();
    URL.revokeObjectURL(a.href);
  }

  const indexOf = (row: number) => testIndexOf(subsetPoints, row);
  const space =
    shown.layerIndex === PIXELS_LAYER
      ? "raw pixels (784-d)"
      : `${shown.layerName} activations${shown.subset === "probe" ? ` after epoch ${frame?.epoch}` : " of the final model"}`;
  const common = { runId, labels, predicted, pixels, indexOf };

  return (
    <>
      <ExplorerControls
        series={series}
        shown={shown}
        position={position}
        playing={playing}
        mode={mode}
        onSeries={showSeries}
        onPosition={seek}
        onPlay={togglePlay}
        onMode={setMode}
        onExport={exportCsv}
        exportCount={loaded ? visible.length : 0}
        live={live}
      />
      <div className="explorer">
        <div className="card explorer-main">
          <ProjectionFigures
            series={shown}
            frame={frame}
            title={`${METHOD_NAMES[shown.method]} of ${shown.layerName}, ${frameLabel(shown, frame)}`}
            predictionSource={prediction?.source ?? null}
          />
          {error ? <p className="callout callout-bad">{error}</p> : null}
          {coords && bounds ? (
            <ScatterCanvas
              coords={coords}
              bounds={bounds}
              labels={labels}
              predicted={predicted}
              visible={visible}
              selected={selectedMask}
              pinned={inspected}
              neighbours={neighbourRows}
              pixels={pixels}
              mode={mode}
              interactive={!playing && loaded !== null && Number.isInteger(position)}
              resetKey={`${shown.subset}/${shown.layerIndex}/${shown.method}`}
              indexOf={indexOf}
              onPin={(row, newTab) =>
                row !== null && newTab
                  ? window.open(`/runs/${runId}/digits/${indexOf(row)}`, "_blank")
                  : setInspected(row)
              }
              onOpen={(row) => router.push(`/runs/${runId}/digits/${indexOf(row)}`)}
              onSelect={setSelected}
            />
          ) : (
            <div className="scatter scatter-loading" data-testid="scatter-loading">
              loading the layout…
            </div>
          )}
          <ClassLegend
            classes={classes}
            totals={totals}
            visibleCount={visible.length}
            mistakesShown={predicted !== null}
            onChange={setClasses}
          />
          <p className="muted small">
            Hover a point for its digit; click it to inspect it beside the plot (probabilities, nearest neighbours; Esc
            closes); double-click opens the full inspector, ⌘/Ctrl-click in a new tab. Scroll or pinch to zoom;{" "}
            {mode === "pan" ? "drag to pan, shift-drag" : "drag"} to select a box.
          </p>
        </div>
        <aside className="explorer-side">
          {inspected !== null ? (
            <InspectorPanel
              {...common}
              row={inspected}
              subset={shown.subset}
              frame={frame}
              predictionSource={prediction?.source ?? null}
              space={space}
              neighbours={neighbours}
              onInspect={setInspected}
            />
          ) : null}
          {selected.length > 0 ? <SelectionPanel {...common} rows={selected} onClear={() => setSelected([])} /> : null}
          {inspected === null && selected.length === 0 ? (
            <section className="card muted small" data-testid="side-hint">
              Click a digit to inspect it here, or select a box (shift-drag) to list its digits.
            </section>
          ) : null}
        </aside>
      </div>
    </>
  );
}

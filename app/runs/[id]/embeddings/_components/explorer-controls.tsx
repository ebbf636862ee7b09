"use client";
// Explorer controls: subset, layer and method selectors, the epoch / iteration slider with play, drag mode, CSV export.
import { PIXELS_LAYER } from "@/lib/core/constants";
import { METHOD_LABELS, PROJECTION_METHODS } from "@/lib/core/projection";
import { type FrameInfo, type Method, type SeriesInfo, type Subset } from "@/lib/chart/scatter-view";

interface Props {
  series: readonly SeriesInfo[];
  shown: SeriesInfo;
  /** Fractional while playing. */
  position: number;
  playing: boolean;
  mode: "pan" | "select";
  onSeries(subset: Subset, layer: number, method: Method): void;
  onPosition(position: number): void;
  onPlay(): void;
  onMode(mode: "pan" | "select"): void;
  onExport(): void;
  exportCount: number;
  /** The run's job still stores layouts: a method missing now may come. */
  live: boolean;
}

export const METHOD_NAMES: Record<Method, string> = METHOD_LABELS;

/** Why a method cannot be picked for the shown layer, in a few words (shown beside the buttons). */
function unavailableReason(method: Method, shown: SeriesInfo, live: boolean): string {
  const what = `${METHOD_NAMES[method]} of ${shown.layerName}`;
  if (live) return `${what}: not stored yet${method === "umap" ? " (UMAP follows PCA and t-SNE)" : ""}`;
  return `${what}: not computed for this run`;
}

export function frameLabel(series: SeriesInfo, frame: FrameInfo | undefined): string {
  if (!frame) return "";
  if (series.subset === "probe")
    return series.layerIndex === PIXELS_LAYER ? "raw pixels (no training)" : `after epoch ${frame.epoch}`;
  if (series.method === "pca") return "final model";
  return frame.final
    ? `final model, iteration ${frame.iteration} (final)`
    : `final model, iteration ${frame.iteration}`;
}

function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

export function ExplorerControls(props: Props) {
  const { series, shown, position } = props;
  const subsets = uniqueBy(series, (s) => s.subset);
  const layers = uniqueBy(
    series.filter((s) => s.subset === shown.subset),
    (s) => String(s.layerIndex),
  );
  const methods = series.filter((s) => s.subset === shown.subset && s.layerIndex === shown.layerIndex);
  const unavailable = PROJECTION_METHODS.filter((m) => !methods.some((s) => s.method === m));
  const frames = shown.frames;
  const frame = frames[Math.round(position)];
  const animated = frames.length > 1;
  const rows = (subset: string) => series.find((s) => s.subset === subset)?.frames[0]?.rows ?? 0;

  return (
    <section className="card controls explorer-controls" data-testid="explorer-controls">
      <label>
        digits
        <select
          value={shown.subset}
          data-testid="subset-select"
          onChange={(e) => props.onSeries(e.target.value as Subset, shown.layerIndex, shown.method)}
        >
          {subsets.map((s) => (
            <option key={s.subset} value={s.subset}>
              {s.subset === "probe"
                ? `probe set, per epoch (${rows("probe").toLocaleString("en-US")})`
                : `test set, final model (${rows("test").toLocaleString("en-US")})`}
            </option>
          ))}
        </select>
      </label>
      <label>
        layer
        <select
          value={shown.layerIndex}
          data-testid="layer-select"
          onChange={(e) => props.onSeries(shown.subset, Number(e.target.value), shown.method)}
        >
          {layers.map((s) => (
            <option key={s.layerIndex} value={s.layerIndex}>
              {s.layerName}
            </option>
          ))}
        </select>
      </label>
      <span className="segmented" role="group" aria-label="method">
        {PROJECTION_METHODS.map((m) => {
          const missing = unavailable.includes(m);
          return (
            <button
              key={m}
              type="button"
              aria-pressed={shown.method === m}
              disabled={missing}
              title={missing ? unavailableReason(m, shown, props.live) : undefined}
              data-testid={`method-${m}`}
              onClick={() => props.onSeries(shown.subset, shown.layerIndex, m)}
            >
              {METHOD_NAMES[m]}
            </button>
          );
        })}
      </span>
      {unavailable.length > 0 ? (
        <span className="muted small" data-testid="method-unavailable">
          {unavailable.map((m) => unavailableReason(m, shown, props.live)).join("; ")}
        </span>
      ) : null}
      <label className="slider">
        <button
          type="button"
          onClick={props.onPlay}
          disabled={!animated}
          data-testid="play"
          aria-label={props.playing ? "pause" : "play"}
        >
          {props.playing ? "❚❚" : "▶"}
        </button>
        <input
          type="range"
          min={0}
          max={Math.max(0, frames.length - 1)}
          step={props.playing ? "any" : 1}
          value={position}
          disabled={!animated}
          onChange={(e) => props.onPosition(Number(e.target.value))}
          aria-label={shown.subset === "probe" ? "epoch" : `${METHOD_NAMES[shown.method]} iteration`}
          aria-valuetext={frameLabel(shown, frame)}
          data-testid="frame-slider"
        />
        <span className="frame-label" data-testid="frame-label">
          {frameLabel(shown, frame)}
        </span>
      </label>
      <span className="segmented" role="group" aria-label="drag to">
        <button
          type="button"
          aria-pressed={props.mode === "pan"}
          onClick={() => props.onMode("pan")}
          data-testid="mode-pan"
        >
          drag: pan
        </button>
        <button
          type="button"
          aria-pressed={props.mode === "select"}
          onClick={() => props.onMode("select")}
          data-testid="mode-select"
        >
          drag: select
        </button>
      </span>
      <button type="button" onClick={props.onExport} data-testid="export-csv" disabled={props.exportCount === 0}>
        export CSV ({props.exportCount.toLocaleString("en-US")})
      </button>
    </section>
  );
}

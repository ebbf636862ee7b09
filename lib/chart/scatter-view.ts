// The embedding explorer's data model: catalog of projection series, URL view state, API queries, labels, CSV.
import { z } from "zod";
import { PIXELS_LAYER } from "../core/constants";
import { toCsv } from "../core/csv";
import { explorerViewQuery, type ExplorerView } from "../core/view-state";
import { isProjectionMethod, PROJECTION_METHODS, type ProjectionMethod, type Subset } from "../core/projection";

export type { Subset, ExplorerView };
export type Method = ProjectionMethod;

/** One stored layout of a series; the quality figures are those of its Projection row. */
export interface FrameInfo {
  epoch: number;
  iteration: number;
  final: boolean;
  rows: number;
  knnAccuracy: number | null;
  trustworthiness: number | null;
  klDivergence: number | null;
  /**
   * What computed it (Projection.algorithm: fft, barnes-hut, sgd) and its kNN graph (exact, approximate); null or
   * absent when not recorded (layouts stored before the columns existed).
   */
  algorithm?: string | null;
  neighbours?: string | null;
}

/** The layouts of one (subset, layer, method): the probe's per epoch, or the test t-SNE's snapshots by iteration. */
export interface SeriesInfo {
  subset: Subset;
  layerIndex: number;
  /** The recorded layer as the model names it (dense_1, max_pooling2d_2, ...), or "pixels". */
  layerName: string;
  method: Method;
  frames: FrameInfo[];
}

export interface ProjectionMeta extends FrameInfo {
  subset: string;
  layerIndex: number;
  method: string;
}

/**
 * Groups Projection rows into series. Probe series keep one final layout per epoch (warm-started, so consecutive
 * epochs align); test series keep every snapshot in iteration order (the replay). Sorted by subset, layer, method.
 */
export function buildSeries(rows: readonly ProjectionMeta[], layerNames: ReadonlyMap<number, string>): SeriesInfo[] {
  const groups = new Map<string, SeriesInfo>();
  for (const r of rows) {
    const method = r.method;
    if ((r.subset !== "probe" && r.subset !== "test") || !isProjectionMethod(method)) continue;
    if (r.subset === "probe" && !r.final) continue;
    const key = `${r.subset}/${r.layerIndex}/${r.method}`;
    let series = groups.get(key);
    if (!series) {
      const layerName =
        r.layerIndex === PIXELS_LAYER ? "pixels" : (layerNames.get(r.layerIndex) ?? `hidden layer ${r.layerIndex + 1}`);
      series = { subset: r.subset, layerIndex: r.layerIndex, layerName, method, frames: [] };
      groups.set(key, series);
    }
    const { epoch, iteration, final, rows: n, knnAccuracy, trustworthiness, klDivergence } = r;
    series.frames.push({
      epoch,
      iteration,
      final,
      rows: n,
      knnAccuracy,
      trustworthiness,
      klDivergence,
      algorithm: r.algorithm ?? null,
      neighbours: r.neighbours ?? null,
    });
  }
  const all = [...groups.values()];
  for (const s of all) s.frames.sort((a, b) => a.epoch - b.epoch || a.iteration - b.iteration);
  return all.sort(
    (a, b) => a.subset.localeCompare(b.subset) || a.layerIndex - b.layerIndex || a.method.localeCompare(b.method),
  );
}

/** The series and frame a view shows: requested subset, then layer, then method win; null when nothing is projected. */
export function resolveView(
  series: readonly SeriesInfo[],
  view: ExplorerView,
): { series: SeriesInfo; frame: number } | null {
  const usable = series.filter((s) => s.frames.length > 0);
  const rank = (s: SeriesInfo): number[] => [
    view.subset !== null ? Number(s.subset !== view.subset) : Number(s.subset !== "test"),
    view.layer !== null ? Number(s.layerIndex !== view.layer) : 0,
    view.method !== null ? Number(s.method !== view.method) : Number(s.method !== "tsne"),
    -s.layerIndex,
  ];
  const best = [...usable].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return 0;
  })[0];
  if (!best) return null;
  const last = best.frames.length - 1;
  const wanted =
    best.subset === "probe"
      ? best.frames.findIndex((f) => f.epoch === view.epoch)
      : best.frames.findIndex((f) => f.iteration === view.iteration);
  return { series: best, frame: wanted >= 0 ? wanted : last };
}

/** The URL query of a shown series and frame; the frame is written only when it is not the last one. */
export function explorerQuery(s: SeriesInfo, frame: number, classes: number): string {
  const f = s.frames[frame];
  const notLast = f !== undefined && frame !== s.frames.length - 1;
  return (
    explorerViewQuery({
      subset: s.subset,
      layer: s.layerIndex,
      method: s.method,
      epoch: notLast && s.subset === "probe" ? f.epoch : null,
      iteration: notLast && s.subset === "test" ? f.iteration : null,
      classes,
    }) || "?"
  );
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Query of GET /api/runs/[id]/projections: one stored layout as float32 [rows, 2]. */
export const projectionQuerySchema = z.object({
  subset: z.enum(["probe", "test"]),
  layer: int(PIXELS_LAYER, 255),
  method: z.enum(PROJECTION_METHODS),
  epoch: int(0, 1_000_000),
  iteration: int(0, 1_000_000),
});
export type ProjectionQuery = z.infer<typeof projectionQuerySchema>;

/** Query of GET /api/runs/[id]/neighbours: the k nearest rows of `row` in the original (un-projected) space. */
export const neighboursQuerySchema = z.object({
  subset: z.enum(["probe", "test"]),
  layer: int(PIXELS_LAYER, 255),
  epoch: int(0, 1_000_000),
  row: int(0, 1_000_000),
  k: int(1, 50).default(10),
});
export type NeighboursQuery = z.infer<typeof neighboursQuerySchema>;

export const pixelsQuerySchema = z.object({ subset: z.enum(["probe", "test"]) });

/** One failed zod parse as a sentence naming the parameters. */
export function describeQueryError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; ");
}

function apiUrl(runId: number, route: string, params: Record<string, string | number>): string {
  return `/api/runs/${runId}/${route}?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()}`;
}

export function projectionUrl(runId: number, s: SeriesInfo, f: FrameInfo): string {
  return apiUrl(runId, "projections", {
    subset: s.subset,
    layer: s.layerIndex,
    method: s.method,
    epoch: f.epoch,
    iteration: f.iteration,
  });
}

export function pixelsUrl(runId: number, subset: Subset): string {
  return apiUrl(runId, "projections/pixels", { subset });
}

export function neighboursUrl(runId: number, q: NeighboursQuery): string {
  return apiUrl(runId, "neighbours", { ...q });
}

/** The rows of one subset with labels as digit strings (one character per row: compact page props). */
export interface SubsetPoints {
  subset: Subset;
  rows: number;
  /** Test-set index of each row for the probe subset; null for the test subset, whose row r is test digit r. */
  indices: number[] | null;
  labels: string;
  /** Probe subset: argmax of Epoch.probeProbs after each recorded epoch. */
  epochPredictions: Array<{ epoch: number; predicted: string }>;
  /** The restored best checkpoint's predictions for these rows, once the run has finished. */
  finalPredicted: string | null;
}

export function digitsToBytes(digits: string): Uint8Array {
  return Uint8Array.from(digits, (c) => c.charCodeAt(0) - 48);
}

export function bytesToDigits(labels: ArrayLike<number>): string {
  let s = "";
  for (let i = 0; i < labels.length; i++) s += String.fromCharCode(48 + labels[i]!);
  return s;
}

export function testIndexOf(points: SubsetPoints, row: number): number {
  return points.indices ? (points.indices[row] ?? -1) : row;
}

/** Which predictions go with a frame: that epoch's for probe layouts, else the final model's (or the last epoch's while training). */
export function predictionsFor(
  points: SubsetPoints,
  frame: FrameInfo | undefined,
): { predicted: string; source: string } | null {
  const atEpoch = frame && frame.epoch > 0 ? points.epochPredictions.find((p) => p.epoch === frame.epoch) : undefined;
  if (atEpoch) return { predicted: atEpoch.predicted, source: `after epoch ${atEpoch.epoch}` };
  if (points.finalPredicted !== null) return { predicted: points.finalPredicted, source: "final model" };
  const last = points.epochPredictions.at(-1);
  return last ? { predicted: last.predicted, source: `after epoch ${last.epoch}` } : null;
}

/** One digit's predicted probabilities [10]: the final model's, and after each recorded epoch when it is a probe digit. */
export interface DigitProbabilities {
  final: { predicted: number; probs: number[] } | null;
  epochs: Array<{ epoch: number; probs: number[] }>;
}

/**
 * The probabilities that go with a frame of `subset`, by the rule of `predictionsFor` (so they agree with the colours):
 * that epoch's for a probe layout, else the final model's, else the last recorded epoch's (probe only); null if none.
 */
export function probabilitiesFor(
  digit: DigitProbabilities,
  subset: Subset,
  frame: FrameInfo | undefined,
): { probs: number[]; source: string } | null {
  const epochs = subset === "probe" ? digit.epochs : [];
  const atEpoch = frame && frame.epoch > 0 ? epochs.find((e) => e.epoch === frame.epoch) : undefined;
  if (atEpoch) return { probs: atEpoch.probs, source: `after epoch ${atEpoch.epoch}` };
  if (digit.final) return { probs: digit.final.probs, source: "final model" };
  const last = epochs.at(-1);
  return last ? { probs: last.probs, source: `after epoch ${last.epoch}` } : null;
}

/** CSV of a layout's `rows`: row, test index, x, y, true and predicted labels (empty when unknown). */
export function scatterCsv(
  coords: Float32Array,
  points: SubsetPoints,
  predicted: string | null,
  rows: ArrayLike<number>,
): string {
  const out: Array<Array<string | number>> = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out.push([
      r,
      testIndexOf(points, r),
      coords[2 * r]!,
      coords[2 * r + 1]!,
      points.labels.charAt(r),
      predicted?.charAt(r) ?? "",
    ]);
  }
  return toCsv(["row", "index", "x", "y", "true_label", "predicted_label"], out);
}

/**
 * The poll of a run's layout catalog (app/api/runs/[id]/projections/catalog): `points` is the stamp of the points
 * the caller holds (they are resent only when newer); `only: "stamp"` asks for the stamp and activity alone.
 */
export function catalogUrl(runId: number, options: { points?: string; only?: "stamp" } = {}): string {
  const q = new URLSearchParams();
  if (options.points !== undefined) q.set("points", options.points);
  if (options.only) q.set("only", options.only);
  const s = q.toString();
  return `/api/runs/${runId}/projections/catalog${s ? `?${s}` : ""}`;
}

/** The catalog route's ETag for a stamp, sent back as If-None-Match. */
export function catalogEtag(runId: number, stamp: string): string {
  return `"catalog-${runId}-${stamp}"`;
}

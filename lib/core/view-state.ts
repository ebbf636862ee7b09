// URL view state of the run pages (route params and searchParams), parsed with zod; safe on server and client.
import { z } from "zod";
import { NUM_CLASSES, PIXELS_LAYER } from "./constants";
import { PROJECTION_METHODS, type ProjectionMethod, type Subset } from "./projection";

type RawParam = string | string[] | undefined;
export type RawSearchParams = Record<string, RawParam>;

const nonNegativeInt = z
  .string()
  .regex(/^\d{1,9}$/, "must be a non-negative integer")
  .transform(Number);

/** A run id from the URL, or null when it is not a positive integer (the page then 404s). */
export function parseRunId(raw: string): number | null {
  const parsed = nonNegativeInt.safeParse(raw);
  return parsed.success && parsed.data > 0 ? parsed.data : null;
}

/** A test-digit index from the URL (0-based), or null when malformed. */
export function parseDigitIndex(raw: string): number | null {
  const parsed = nonNegativeInt.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

function first(value: RawParam): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const classParam = z.enum(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]).transform(Number);

export const GALLERY_SORTS = ["confidence-desc", "confidence-asc", "index"] as const;
export type GallerySort = (typeof GALLERY_SORTS)[number];

/** Gallery filters: `true` and `pred` classes (absent = any), sort order, 1-based page. */
export interface GalleryView {
  trueLabel: number | null;
  predicted: number | null;
  sort: GallerySort;
  page: number;
}

export const DEFAULT_GALLERY_VIEW: GalleryView = { trueLabel: null, predicted: null, sort: "confidence-desc", page: 1 };

/** Unknown or malformed values fall back to the defaults rather than failing: a shared URL stays usable. */
export function parseGalleryView(params: RawSearchParams): GalleryView {
  const t = classParam.safeParse(first(params.true));
  const p = classParam.safeParse(first(params.pred));
  const sort = z.enum(GALLERY_SORTS).safeParse(first(params.sort));
  const page = nonNegativeInt.safeParse(first(params.page));
  return {
    trueLabel: t.success ? t.data : null,
    predicted: p.success ? p.data : null,
    sort: sort.success ? sort.data : DEFAULT_GALLERY_VIEW.sort,
    page: page.success && page.data > 0 ? page.data : 1,
  };
}

/** The query string of a gallery view, leaving defaults out ("" when all are defaults). */
export function galleryQuery(view: Partial<GalleryView>): string {
  const q = new URLSearchParams();
  if (view.trueLabel !== undefined && view.trueLabel !== null) q.set("true", String(view.trueLabel));
  if (view.predicted !== undefined && view.predicted !== null) q.set("pred", String(view.predicted));
  if (view.sort && view.sort !== DEFAULT_GALLERY_VIEW.sort) q.set("sort", view.sort);
  if (view.page && view.page > 1) q.set("page", String(view.page));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Confusion view: `epoch` (null = the restored checkpoint's final test matrix) and row normalisation. */
export interface ConfusionView {
  epoch: number | null;
  normalised: boolean;
}

export function parseConfusionView(params: RawSearchParams): ConfusionView {
  const epoch = nonNegativeInt.safeParse(first(params.epoch));
  return { epoch: epoch.success && epoch.data > 0 ? epoch.data : null, normalised: first(params.norm) === "1" };
}

export function confusionQuery(view: ConfusionView): string {
  const q = new URLSearchParams();
  if (view.epoch !== null) q.set("epoch", String(view.epoch));
  if (view.normalised) q.set("norm", "1");
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Every class shown in the explorer: bits 0..9 set. */
export const ALL_CLASSES = (1 << NUM_CLASSES) - 1;

/** The embedding explorer's URL: what it asks for; null fields take the defaults (test set, t-SNE, last layer, last frame). */
export interface ExplorerView {
  subset: Subset | null;
  /** A hidden layer's index, or PIXELS_LAYER (written "pixels"). */
  layer: number | null;
  method: ProjectionMethod | null;
  /** Probe layouts: the epoch shown. */
  epoch: number | null;
  /** Test layouts: the optimisation snapshot shown. */
  iteration: number | null;
  /** Bit c set = class c shown. */
  classes: number;
}

export const DEFAULT_EXPLORER_VIEW: ExplorerView = {
  subset: null,
  layer: null,
  method: null,
  epoch: null,
  iteration: null,
  classes: ALL_CLASSES,
};

const MAX_LAYER = 255;
const layerParam = z.union([
  z.literal("pixels").transform(() => PIXELS_LAYER),
  nonNegativeInt.refine((n) => n <= MAX_LAYER, `must be at most ${MAX_LAYER}`),
]);
const subsetParam = z.enum(["probe", "test"]);
const methodParam = z.enum(PROJECTION_METHODS);

/**
 * `classes`: "none", or distinct digits separated by commas ("4,9"); anything else (a stray entry, a repeated or
 * out-of-range digit) is not a class list, so the whole filter falls back to every class. Absent = every class.
 */
export function parseClasses(raw: string | undefined): number {
  if (raw === undefined) return ALL_CLASSES;
  if (raw === "none") return 0;
  if (!/^\d(,\d)*$/.test(raw)) return ALL_CLASSES;
  let mask = 0;
  for (const part of raw.split(",")) {
    const bit = 1 << Number(part);
    if (mask & bit) return ALL_CLASSES;
    mask |= bit;
  }
  return mask;
}

/** "4,9" for classes 4 and 9, "none" for the empty mask; null for every class (left out of the URL). */
export function classesParam(mask: number): string | null {
  if ((mask & ALL_CLASSES) === ALL_CLASSES) return null;
  const classes = Array.from({ length: NUM_CLASSES }, (_, c) => c).filter((c) => (mask >> c) & 1);
  return classes.length === 0 ? "none" : classes.join(",");
}

/**
 * Reads the explorer's view from the URL, each parameter exactly as explorerViewQuery writes it (method one of
 * pca / tsne / umap, lower case; layer a number or "pixels"). A parameter that does not parse takes its default
 * rather than failing the page: a shared URL stays usable.
 */
export function parseExplorerView(params: RawSearchParams): ExplorerView {
  const subset = subsetParam.safeParse(first(params.subset));
  const method = methodParam.safeParse(first(params.method));
  const layer = layerParam.safeParse(first(params.layer));
  const epoch = nonNegativeInt.safeParse(first(params.epoch));
  const iteration = nonNegativeInt.safeParse(first(params.iter));
  return {
    subset: subset.success ? subset.data : null,
    layer: layer.success ? layer.data : null,
    method: method.success ? method.data : null,
    epoch: epoch.success ? epoch.data : null,
    iteration: iteration.success ? iteration.data : null,
    classes: parseClasses(first(params.classes)),
  };
}

/** The query string of an explorer view ("" when every field is a default); parseExplorerView reads it back equal. */
export function explorerViewQuery(view: ExplorerView): string {
  const q = new URLSearchParams();
  if (view.subset !== null) q.set("subset", view.subset);
  if (view.layer !== null) q.set("layer", view.layer === PIXELS_LAYER ? "pixels" : String(view.layer));
  if (view.method !== null) q.set("method", view.method);
  if (view.epoch !== null) q.set("epoch", String(view.epoch));
  if (view.iteration !== null) q.set("iter", String(view.iteration));
  const classes = classesParam(view.classes);
  if (classes !== null) q.set("classes", classes);
  const s = q.toString();
  return s ? `?${s}` : "";
}

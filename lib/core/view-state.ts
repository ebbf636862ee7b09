// URL view state of the run pages (route params and searchParams), parsed with zod; safe on server and client.
import { z } from "zod";

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

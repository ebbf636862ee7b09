// URL view state of the pair and compare pages (route params and searchParams), parsed with zod; safe on server and client.
import { z } from "zod";
import { parsePair } from "../numeric/metrics/pairs";
import type { RawSearchParams } from "../core/view-state";

type RawParam = RawSearchParams[string];

function first(value: RawParam): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const runIdSchema = z
  .string()
  .regex(/^\d{1,9}$/, "must be a positive integer")
  .transform(Number)
  .refine((n) => n > 0, "must be a positive integer");

/** `?run=`: absent = the latest succeeded run; malformed = invalid (the page 404s, as for an unknown run). */
export type RunChoice = { kind: "latest" } | { kind: "run"; id: number } | { kind: "invalid"; raw: string };

export function parseRunChoice(params: RawSearchParams): RunChoice {
  const raw = first(params.run);
  if (raw === undefined || raw === "") return { kind: "latest" };
  const parsed = runIdSchema.safeParse(raw);
  return parsed.success ? { kind: "run", id: parsed.data } : { kind: "invalid", raw };
}

/** The `[pair]` segment, "4-9" in either order; null for "4-4", "4-10" or anything else. */
export const pairParamSchema = z.string().transform((text, ctx) => {
  const pair = parsePair(text);
  if (!pair) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a pair of two different digits like 4-9` });
    return z.NEVER;
  }
  return { a: pair[0], b: pair[1] };
});

/** `raw` is the segment as Next hands it over, already percent-decoded once: decoding again would read "%25" as "%". */
export function parsePairParam(raw: string): { a: number; b: number } | null {
  const parsed = pairParamSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export const PROJECTION_METHODS = ["tsne", "pca"] as const;
export type ProjectionMethod = (typeof PROJECTION_METHODS)[number];
export const SEPARATION_METRICS = ["knn", "silhouette"] as const;
export type SeparationMetric = (typeof SEPARATION_METRICS)[number];

/** The pair page's view: scatter epoch (null = the last recorded), projection method, separation metric shown. */
export interface PairView {
  epoch: number | null;
  method: ProjectionMethod;
  metric: SeparationMetric;
}

export const DEFAULT_PAIR_VIEW: PairView = { epoch: null, method: "tsne", metric: "knn" };

/** Unknown or malformed view values fall back to the defaults: a shared URL stays usable. */
export function parsePairView(params: RawSearchParams): PairView {
  const epoch = runIdSchema.safeParse(first(params.epoch));
  const method = z.enum(PROJECTION_METHODS).safeParse(first(params.method));
  const metric = z.enum(SEPARATION_METRICS).safeParse(first(params.metric));
  return {
    epoch: epoch.success ? epoch.data : null,
    method: method.success ? method.data : DEFAULT_PAIR_VIEW.method,
    metric: metric.success ? metric.data : DEFAULT_PAIR_VIEW.metric,
  };
}

/** Link to a pair page, e.g. `/pairs/4-9?run=3&epoch=2`; defaults left out. */
export function pairHref(a: number, b: number, runId: number | null, view: Partial<PairView> = {}): string {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  const q = new URLSearchParams();
  if (runId !== null) q.set("run", String(runId));
  if (view.epoch !== undefined && view.epoch !== null) q.set("epoch", String(view.epoch));
  if (view.method && view.method !== DEFAULT_PAIR_VIEW.method) q.set("method", view.method);
  if (view.metric && view.metric !== DEFAULT_PAIR_VIEW.metric) q.set("metric", view.metric);
  const s = q.toString();
  return `/pairs/${lo}-${hi}${s ? `?${s}` : ""}`;
}

/** At most this many runs side by side: curves stay readable and each run is compared with the first. */
export const MAX_COMPARED_RUNS = 3;

/** `?runs=`: ids as "a,b,c" and/or repeated `runs=` (a plain GET form), de-duplicated in order. */
export type CompareChoice = { kind: "ok"; ids: number[] } | { kind: "invalid"; raw: string };

export function parseCompareRuns(params: RawSearchParams): CompareChoice {
  const values = params.runs === undefined ? [] : Array.isArray(params.runs) ? params.runs : [params.runs];
  const ids: number[] = [];
  for (const token of values
    .flatMap((v) => v.split(","))
    .map((t) => t.trim())
    .filter(Boolean)) {
    const parsed = runIdSchema.safeParse(token);
    if (!parsed.success) return { kind: "invalid", raw: token };
    if (!ids.includes(parsed.data)) ids.push(parsed.data);
  }
  return { kind: "ok", ids };
}

/** Link to the compare page, e.g. `/compare?runs=3,5` (commas kept readable). */
export function compareHref(ids: readonly number[]): string {
  return ids.length ? `/compare?runs=${ids.join(",")}` : "/compare";
}

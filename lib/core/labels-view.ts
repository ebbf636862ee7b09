// URL state of the /labels page (source, ranking, class filters, page) and the review body, parsed with zod; safe on
// server and client.
import { z } from "zod";
import { NUM_CLASSES } from "./constants";

type RawParam = string | string[] | undefined;

export const LABEL_SUBSETS = ["test", "train"] as const;
export type LabelSubset = (typeof LABEL_SUBSETS)[number];
export const REVIEW_VERDICTS = ["mislabelled", "ambiguous", "fine"] as const;
export type ReviewVerdict = (typeof REVIEW_VERDICTS)[number];
export const LABEL_RANKINGS = ["self-confidence", "normalized-margin"] as const;
export type LabelRanking = (typeof LABEL_RANKINGS)[number];
/** Runs a consensus may average: enough for any comparison the page draws, few enough to read in a request. */
export const MAX_CONSENSUS_RUNS = 12;

/** Where the probabilities come from: one run's restored checkpoint, the mean of several runs, or cross-validation. */
export type LabelSource =
  { kind: "run"; runId: number } | { kind: "consensus"; runIds: number[] } | { kind: "crossval" } | { kind: "none" };

export interface LabelsView {
  source: LabelSource;
  ranking: LabelRanking;
  given: number | null;
  suggested: number | null;
  page: number;
}

function first(value: RawParam): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const classParam = z.enum(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]).transform(Number);
const positiveInt = z
  .string()
  .regex(/^[1-9]\d{0,8}$/)
  .transform(Number);

/** Comma-separated run ids, deduplicated in order; null when any part is not a positive integer. */
export function parseRunIdList(raw: string | undefined): number[] | null {
  if (!raw) return [];
  const ids: number[] = [];
  for (const part of raw.split(",")) {
    const parsed = positiveInt.safeParse(part.trim());
    if (!parsed.success) return null;
    if (!ids.includes(parsed.data)) ids.push(parsed.data);
  }
  return ids;
}

/** Malformed values fall back to defaults (a shared URL stays usable); no source chosen is `none`. */
export function parseLabelsView(params: Record<string, RawParam>): LabelsView {
  const kind = first(params.source);
  const run = positiveInt.safeParse(first(params.run));
  // Ticked checkboxes arrive as repeated `runs`; a shared URL holds them comma-separated.
  const runsRaw = Array.isArray(params.runs) ? params.runs.join(",") : params.runs;
  const runs = parseRunIdList(runsRaw)?.slice(0, MAX_CONSENSUS_RUNS) ?? [];
  let source: LabelSource = { kind: "none" };
  if (kind === "crossval") source = { kind: "crossval" };
  else if (kind === "consensus" && runs.length > 0) source = { kind: "consensus", runIds: runs };
  else if ((kind === "run" || kind === undefined) && run.success) source = { kind: "run", runId: run.data };
  const ranking = z.enum(LABEL_RANKINGS).safeParse(first(params.rank));
  const given = classParam.safeParse(first(params.given));
  const suggested = classParam.safeParse(first(params.suggested));
  const page = positiveInt.safeParse(first(params.page));
  return {
    source,
    ranking: ranking.success ? ranking.data : "self-confidence",
    given: given.success ? given.data : null,
    suggested: suggested.success ? suggested.data : null,
    page: page.success ? page.data : 1,
  };
}

/** The query string of a view ("?..." or ""), defaults left out. */
export function labelsQuery(view: Partial<LabelsView>): string {
  const q = new URLSearchParams();
  const s = view.source;
  if (s?.kind === "run") q.set("run", String(s.runId));
  if (s?.kind === "consensus") {
    q.set("source", "consensus");
    q.set("runs", s.runIds.join(","));
  }
  if (s?.kind === "crossval") q.set("source", "crossval");
  if (view.ranking && view.ranking !== "self-confidence") q.set("rank", view.ranking);
  if (view.given !== undefined && view.given !== null) q.set("given", String(view.given));
  if (view.suggested !== undefined && view.suggested !== null) q.set("suggested", String(view.suggested));
  if (view.page && view.page > 1) q.set("page", String(view.page));
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** The subset a source's digits belong to. */
export function subsetOf(source: LabelSource): LabelSubset {
  return source.kind === "crossval" ? "train" : "test";
}

/** An admin's review as the API takes it; a corrected label only with the verdict "mislabelled". */
export const reviewInputSchema = z
  .object({
    subset: z.enum(LABEL_SUBSETS, { message: 'subset must be "test" or "train"' }),
    index: z
      .number({ message: "index must be a number" })
      .int("index must be an integer")
      .min(0, "index must be at least 0")
      .max(59_999, "index must be at most 59999"),
    verdict: z.enum(REVIEW_VERDICTS, { message: 'verdict must be "mislabelled", "ambiguous" or "fine"' }),
    correctedLabel: z
      .number({ message: "correctedLabel must be a number" })
      .int("correctedLabel must be an integer")
      .min(0, "correctedLabel must be 0 to 9")
      .max(NUM_CLASSES - 1, "correctedLabel must be 0 to 9")
      .nullable()
      .optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.subset === "test" && value.index > 9_999)
      ctx.addIssue({ code: "custom", path: ["index"], message: "index must be at most 9999 for the test set" });
    if (value.correctedLabel !== undefined && value.correctedLabel !== null && value.verdict !== "mislabelled")
      ctx.addIssue({
        code: "custom",
        path: ["correctedLabel"],
        message: 'correctedLabel is only given with the verdict "mislabelled"',
      });
  });
export type ReviewInput = z.infer<typeof reviewInputSchema>;

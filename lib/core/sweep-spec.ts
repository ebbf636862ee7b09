// A hyperparameter sweep's spec (zod): lists or ranges for the swept hyperparameters, grid or random mode, and the
// job form's other fields fixed for every job. Pure and client-safe: the admin form validates the same spec.
import { z } from "zod";
import { JOB_FORM_FIELDS, type JobFormField } from "./job-params";
import { controlCharacterIn, optimizerSchema } from "./train-config";

/** Hyperparameters a sweep can vary, in the order random draws take them (changing it changes every draw). */
export const SWEEP_AXES = ["learningRate", "hidden", "dropout", "optimizer", "batchSize", "seed"] as const;
export type SweepAxis = (typeof SWEEP_AXES)[number];
export const NUMERIC_AXES = ["learningRate", "dropout", "batchSize", "seed"] as const;
export type NumericAxis = (typeof NUMERIC_AXES)[number];
/** Axes whose values are whole numbers: grid points and draws are rounded. */
export const INTEGER_AXES: readonly NumericAxis[] = ["batchSize", "seed"];

/** Jobs one sweep may queue: lib/features/jobs/submit.ts's MAX_JOBS_PER_REQUEST, the limit of one request. */
export const MAX_SWEEP_JOBS = 50;
/** Values (or grid steps) one axis may list. */
export const MAX_AXIS_VALUES = 50;
export const SWEEP_NAME_MAX = 60;

const finite = z.number().refine(Number.isFinite, "must be a finite number");

const rangeSchema = z
  .object({
    start: finite,
    stop: finite,
    /** Grid points from start to stop, both included (1: start only); random draws ignore it. */
    steps: z.number().int().min(1).max(MAX_AXIS_VALUES).optional(),
    /** Default: log for the learning rate, linear otherwise. */
    scale: z.enum(["linear", "log"]).optional(),
  })
  .strict();
export type SweepRange = z.infer<typeof rangeSchema>;

/** A numeric axis: a list of values or a range (exactly one of them). */
const numericAxisSchema = z
  .object({ values: z.array(finite).min(1).max(MAX_AXIS_VALUES).optional(), range: rangeSchema.optional() })
  .strict()
  .refine((a) => (a.values === undefined) !== (a.range === undefined), "give either values or range, not both");
export type NumericAxisSpec = z.infer<typeof numericAxisSchema>;

const hiddenAxisSchema = z
  .object({ values: z.array(z.array(finite).min(1).max(64)).min(1).max(MAX_AXIS_VALUES) })
  .strict();
const optimizerAxisSchema = z.object({ values: z.array(optimizerSchema.shape.name.unwrap()).min(1).max(3) }).strict();

/** The job form's fields a sweep fixes for all its jobs: any but the run name (each job gets its own). */
export const FIXED_FIELDS = JOB_FORM_FIELDS.filter((f) => f !== "name");
const fixedSchema = z
  .object(
    Object.fromEntries(FIXED_FIELDS.map((f) => [f, z.unknown().optional()])) as Record<
      Exclude<JobFormField, "name">,
      z.ZodOptional<z.ZodUnknown>
    >,
  )
  .strict();

export const sweepSpecSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "name must not be empty")
      .max(SWEEP_NAME_MAX, `name must be at most ${SWEEP_NAME_MAX} characters`),
    mode: z.enum(["grid", "random"], { message: 'mode must be "grid" or "random"' }),
    /** Random mode: how many draws (jobs). */
    count: z.number().int().min(1).max(MAX_SWEEP_JOBS).optional(),
    /** Random mode: the seed of the draws (the same spec and seed draw the same jobs). */
    drawSeed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    axes: z
      .object({
        learningRate: numericAxisSchema.optional(),
        hidden: hiddenAxisSchema.optional(),
        dropout: numericAxisSchema.optional(),
        optimizer: optimizerAxisSchema.optional(),
        batchSize: numericAxisSchema.optional(),
        seed: numericAxisSchema.optional(),
      })
      .strict(),
    fixed: fixedSchema.default({}),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const control = controlCharacterIn(spec.name, "line");
    if (control) issue(["name"], `name must not contain control characters (${control})`);
    if (spec.mode === "random" && spec.count === undefined) issue(["count"], "count is required in random mode");
    if (spec.mode === "grid" && spec.count !== undefined)
      issue(["count"], "count is only for random mode (a grid queues every combination)");
    if (!SWEEP_AXES.some((a) => spec.axes[a] !== undefined))
      issue(["axes"], `axes must vary at least one of ${SWEEP_AXES.join(", ")}`);
    for (const axis of SWEEP_AXES) {
      if (spec.axes[axis] !== undefined && spec.fixed[axis] !== undefined)
        issue(["fixed", axis], `fixed.${axis} is also swept (axes.${axis}): give it in one place`);
    }
    if (spec.axes.hidden && typeof spec.fixed.architecture === "string" && spec.fixed.architecture.trim() === "cnn")
      issue(["axes", "hidden"], "axes.hidden: the CNN preset has no hidden widths to sweep");
    for (const axis of NUMERIC_AXES) {
      const range = spec.axes[axis]?.range;
      if (!range) continue;
      const path = ["axes", axis, "range"];
      if (spec.mode === "grid" && range.steps === undefined)
        issue([...path, "steps"], `axes.${axis}.range.steps is required in grid mode`);
      if (range.stop < range.start) issue([...path, "stop"], `axes.${axis}.range.stop must be at least its start`);
      if (rangeScale(axis, range) === "log" && range.start <= 0)
        issue([...path, "start"], `axes.${axis}.range.start must be above 0 on a log scale`);
      if (INTEGER_AXES.includes(axis) && !(Number.isInteger(range.start) && Number.isInteger(range.stop)))
        issue(path, `axes.${axis}.range must start and stop at whole numbers`);
    }
  });

export type SweepSpec = z.infer<typeof sweepSpecSchema>;
export type SweepSpecInput = z.input<typeof sweepSpecSchema>;

/** The range's scale: as given, else log for the learning rate (its values span decades) and linear otherwise. */
export function rangeScale(axis: NumericAxis, range: Pick<SweepRange, "scale">): "linear" | "log" {
  return range.scale ?? (axis === "learningRate" ? "log" : "linear");
}

export type SweepSpecResult = { ok: true; spec: SweepSpec } | { ok: false; errors: Record<string, string[]> };

/** Validates a spec; errors keyed by the dotted path of the field ("axes.learningRate.range.start"), never thrown. */
export function parseSweepSpec(input: unknown): SweepSpecResult {
  const parsed = sweepSpecSchema.safeParse(input);
  if (parsed.success) return { ok: true, spec: parsed.data };
  const errors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.map(String).join(".") || "body";
    const message = issue.message.startsWith(key) ? issue.message : `${key}: ${issue.message}`;
    (errors[key] ??= []).push(message);
  }
  return { ok: false, errors };
}

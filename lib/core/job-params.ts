// The admin form's parameters: flat fields validated into a TrainConfig with lib/core/train-config.ts's schema,
// field errors keyed by form field, and the `npm run train` flags that reproduce a config in the worker's child.
// Pure and free of server-only imports: the form runs the same parsing in the browser for its live figures.
import { z } from "zod";
import { describeValue, formatPlainDecimal, parsePlainDecimal } from "./plain-number";
import { splitSizes, trainConfigSchema, withPresetDefaults, type TrainConfig } from "./train-config";

export const JOB_FORM_FIELDS = [
  "name",
  "notes",
  "architecture",
  "hidden",
  "dropout",
  "optimizer",
  "learningRate",
  "batchSize",
  "epochs",
  "validationSplit",
  "trainSize",
  "testSize",
  "probeSize",
  "seed",
  "keepEpochWeights",
] as const;
export type JobFormField = (typeof JOB_FORM_FIELDS)[number];

/** What the form (or a JSON client) sends. Numbers may arrive as numbers or as the text of an input. */
export type JobFormInput = Partial<Record<JobFormField, unknown>>;

/** Errors by form field, and by the job kind's fields (kind, folds; parseJobKind). */
export type FieldErrors = Partial<Record<JobFormField | "kind" | "folds", string[]>>;

export type JobFormResult =
  { ok: true; config: TrainConfig } | { ok: false; fieldErrors: FieldErrors; formErrors: string[] };

const NUMBER_FIELDS = [
  "dropout",
  "learningRate",
  "batchSize",
  "epochs",
  "validationSplit",
  "trainSize",
  "testSize",
  "probeSize",
  "seed",
] as const;

/** Plain decimal text or a JSON number; lib/core/plain-number.ts says why nothing looser. */
const numberValue = z.union([z.number(), z.string().max(64)]);

const formShape = z
  .object({
    name: z.string().optional(),
    notes: z.string().optional(),
    architecture: z.string().optional(),
    // Widths as the form's text ("512,256") or a flat JSON array; nested arrays and booleans fail here, element by
    // element, without walking into them.
    hidden: z.union([z.string(), z.array(numberValue).max(64)]).optional(),
    optimizer: z.string().optional(),
    // A checkbox: true/false from JSON, "on" (checked) or "" / "off" from the form's text.
    keepEpochWeights: z.union([z.boolean(), z.enum(["on", "off", "true", "false", ""])]).optional(),
    ...Object.fromEntries(NUMBER_FIELDS.map((f) => [f, numberValue.optional()])),
  })
  .strict();

/** Maps a TrainConfig path (zod issue path) to the form field that sets it. */
function fieldOfPath(path: PropertyKey[]): JobFormField | undefined {
  const [head, key] = path;
  if (head === "architecture") return key === "hidden" ? "hidden" : key === "dropout" ? "dropout" : "architecture";
  if (head === "optimizer") return key === "learningRate" ? "learningRate" : "optimizer";
  return JOB_FORM_FIELDS.find((f) => f === head);
}

function toNumber(value: number | string | undefined, field: JobFormField, errors: FieldErrors): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value;
  // An empty input means "the default"; anything else must be plain decimal, spaces included.
  if (value === "") return undefined;
  const n = parsePlainDecimal(value);
  if (n === null) {
    (errors[field] ??= []).push(
      `${field} must be a number, got ${describeValue(value)} (plain decimal such as 16 or 0.001)`,
    );
    return undefined;
  }
  return n;
}

function toWidths(value: string | Array<number | string> | undefined, errors: FieldErrors): number[] | undefined {
  if (value === undefined) return undefined;
  // The text form splits on commas; spaces around a comma are the list's, not the number's.
  const parts = Array.isArray(value) ? value : value.split(",").map((s) => s.trim());
  if (parts.length === 1 && parts[0] === "") return undefined;
  const widths = parts.map((p) => (typeof p === "number" ? p : parsePlainDecimal(p)));
  if (widths.some((w) => w === null || !Number.isFinite(w))) {
    (errors.hidden ??= []).push(
      `hidden must be comma-separated layer widths such as 512,512,512, got ${describeValue(value)}`,
    );
    return undefined;
  }
  return widths as number[];
}

function keepWeights(value: unknown): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  return value === true || value === "on" || value === "true";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The default run name for an architecture, as the CLI names its runs. */
function defaultName(config: Pick<TrainConfig, "architecture">): string {
  const a = config.architecture;
  if (a.kind === "cnn") return "CNN preset";
  return a.hidden.join(",") === "512,512,512" ? "seed MLP" : `MLP ${a.hidden.join("-")}`;
}

/**
 * Validates the form into a TrainConfig (the architecture's preset defaults, then the seed's, for omitted fields). Bad values come back as messages
 * per field; nothing throws. The same rules as `npm run train` (lib/core/train-config.ts), plus the CLI's cross-field checks.
 */
export function parseJobForm(input: unknown): JobFormResult {
  // A body of null, an array or a string is a client's mistake, not a request for the default job.
  if (!isPlainObject(input)) {
    return {
      ok: false,
      fieldErrors: {},
      formErrors: [`the parameters must be a JSON object, got ${describeValue(input)}`],
    };
  }
  // The job kind's fields are parseJobKind's; the training config ignores them.
  const fields = Object.fromEntries(Object.entries(input).filter(([key]) => key !== "kind" && key !== "folds"));
  const shape = formShape.safeParse(fields);
  if (!shape.success) {
    const fieldErrors: FieldErrors = {};
    const formErrors: string[] = [];
    for (const issue of shape.error.issues) {
      const field = fieldOfPath(issue.path);
      if (field) (fieldErrors[field] ??= []).push(issue.message);
      else formErrors.push(issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message);
    }
    return { ok: false, fieldErrors, formErrors };
  }
  const form = shape.data as Record<string, unknown>;
  const fieldErrors: FieldErrors = {};
  const num = (f: (typeof NUMBER_FIELDS)[number]) => toNumber(form[f] as number | string | undefined, f, fieldErrors);
  const kind = (form.architecture as string | undefined)?.trim() || "mlp";
  const dropout = num("dropout");
  const learningRate = num("learningRate");
  const hidden =
    kind === "mlp" ? toWidths(form.hidden as string | Array<number | string> | undefined, fieldErrors) : undefined;
  const name = (form.name as string | undefined)?.trim();
  const raw = {
    ...(name ? { name } : {}),
    ...(form.notes !== undefined ? { notes: form.notes } : {}),
    architecture: { kind, ...(hidden ? { hidden } : {}), ...(dropout !== undefined ? { dropout } : {}) },
    optimizer: {
      ...((form.optimizer as string | undefined)?.trim() ? { name: (form.optimizer as string).trim() } : {}),
      ...(learningRate !== undefined ? { learningRate } : {}),
    },
    batchSize: num("batchSize"),
    epochs: num("epochs"),
    validationSplit: num("validationSplit"),
    trainSize: num("trainSize"),
    testSize: num("testSize"),
    probeSize: num("probeSize"),
    seed: num("seed"),
    keepEpochWeights: keepWeights(form.keepEpochWeights),
  };
  // Fields left empty take the chosen architecture's preset defaults (Adam and 12 epochs for the CNN), then the seed's.
  const parsed = trainConfigSchema.safeParse(
    withPresetDefaults(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined))),
  );
  const formErrors: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path);
      const message =
        field === "architecture" && kind !== "mlp" && kind !== "cnn"
          ? `must be mlp or cnn, got "${kind.slice(0, 40)}"`
          : issue.message;
      if (field) (fieldErrors[field] ??= []).push(message);
      else formErrors.push(message);
    }
  }
  if (!parsed.success || Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors, formErrors };
  const config = parsed.data;
  if (config.probeSize > config.testSize) {
    (fieldErrors.probeSize ??= []).push(`must not exceed the test size (${config.testSize})`);
  }
  if (splitSizes(config).train < 1) {
    (fieldErrors.validationSplit ??= []).push(`leaves no training digits out of ${config.trainSize}`);
  }
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors, formErrors };
  return { ok: true, config: name ? config : { ...config, name: defaultName(config) } };
}

const DEFAULT_OPTIMIZER = { rho: 0.9, momentum: 0.9 };
const DEFAULT_CNN = { filters: [32, 64], dense: 128 };

/**
 * The `npm run train` flags reproducing `config` exactly (`--flag=value`, so values starting with "-" stay values).
 * Throws for settings the CLI has no flag for (optimizer rho/momentum, CNN filters/dense): the form never sets them.
 */
export function trainArgsOf(config: TrainConfig): string[] {
  if (config.optimizer.rho !== DEFAULT_OPTIMIZER.rho || config.optimizer.momentum !== DEFAULT_OPTIMIZER.momentum) {
    throw new RangeError("the training CLI has no flag for rho or momentum: only their defaults (0.9) can be queued");
  }
  const a = config.architecture;
  if (a.kind === "cnn" && (a.filters.join(",") !== DEFAULT_CNN.filters.join(",") || a.dense !== DEFAULT_CNN.dense)) {
    throw new RangeError("the training CLI only builds the CNN preset (filters 32,64, dense 128)");
  }
  const flag = (name: string, value: string | number) =>
    `--${name}=${typeof value === "number" ? formatPlainDecimal(value) : value}`;
  return [
    flag("name", config.name),
    flag("notes", config.notes),
    flag("arch", a.kind),
    ...(a.kind === "mlp" ? [flag("hidden", a.hidden.join(","))] : []),
    flag("dropout", a.dropout),
    flag("optimizer", config.optimizer.name),
    flag("lr", config.optimizer.learningRate),
    flag("batch-size", config.batchSize),
    flag("epochs", config.epochs),
    flag("validation-split", config.validationSplit),
    flag("train-size", config.trainSize),
    flag("test-size", config.testSize),
    flag("probe-size", config.probeSize),
    flag("probe-seed", config.probeSeed),
    flag("seed", config.seed),
    ...(config.shuffle ? [] : ["--no-shuffle"]),
    ...(config.keepEpochWeights ? ["--keep-epoch-weights"] : []),
  ];
}

/** What a job runs: a training run (the default, its params as before) or k-fold cross-validation of the training set. */
export type JobKind = { kind: "train" } | { kind: "crossval"; folds: number };

export const JOB_KINDS = ["train", "crossval"] as const;
export const CROSSVAL_FOLDS = { min: 2, max: 10, default: 4 } as const;

const jobKindSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("train") }),
  z.object({
    kind: z.literal("crossval"),
    folds: z
      .number({ message: "folds must be a number" })
      .int("folds must be an integer")
      .min(CROSSVAL_FOLDS.min, `folds must be ${CROSSVAL_FOLDS.min} to ${CROSSVAL_FOLDS.max}`)
      .max(CROSSVAL_FOLDS.max, `folds must be ${CROSSVAL_FOLDS.min} to ${CROSSVAL_FOLDS.max}`)
      .default(CROSSVAL_FOLDS.default),
  }),
]);

/**
 * The job kind of a form body or stored params (`kind`, `folds`; absent = train), or the message naming the bad
 * field. The form's own fields are validated by parseJobForm, which ignores these two.
 */
export function parseJobKind(
  input: unknown,
): { ok: true; job: JobKind } | { ok: false; field: "kind" | "folds"; message: string } {
  const record = isPlainObject(input) ? input : {};
  const kind = record.kind === undefined || record.kind === "" ? "train" : record.kind;
  if (kind !== "train" && kind !== "crossval")
    return { ok: false, field: "kind", message: `kind must be "train" or "crossval", got ${describeValue(kind)}` };
  if (kind === "train") return { ok: true, job: { kind: "train" } };
  const rawFolds = record.folds;
  const folds = typeof rawFolds === "string" ? (rawFolds === "" ? undefined : parsePlainDecimal(rawFolds)) : rawFolds;
  const parsed = jobKindSchema.safeParse({ kind, ...(folds !== undefined ? { folds: folds ?? Number.NaN } : {}) });
  if (!parsed.success) return { ok: false, field: "folds", message: parsed.error.issues[0]!.message };
  return { ok: true, job: parsed.data };
}

/** The params stored for a job: the config as before for training, with `kind` and `folds` for cross-validation. */
export function jobParamsOf(config: TrainConfig, job: JobKind): TrainConfig {
  return job.kind === "crossval" ? ({ ...config, kind: "crossval", folds: job.folds } as TrainConfig) : config;
}

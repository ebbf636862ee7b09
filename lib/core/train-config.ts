// Training configuration: the seed notebook's hyperparameters as defaults, validated with zod.
import { z } from "zod";

export const mlpArchitecture = z.object({
  kind: z.literal("mlp"),
  /** Widths of the hidden Dense layers; the seed uses three of 512. */
  hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(8).default([512, 512, 512]),
  /** Dropout rate after each hidden layer, 0 disables it. */
  dropout: z.number().min(0).max(0.9).default(0.2),
});

export const cnnArchitecture = z.object({
  kind: z.literal("cnn"),
  /** Conv 32 3x3 → MaxPool → Conv 64 3x3 → MaxPool → Dense `dense` → Dropout → Dense 10. */
  filters: z.tuple([z.number().int().min(1).max(256), z.number().int().min(1).max(256)]).default([32, 64]),
  dense: z.number().int().min(1).max(4096).default(128),
  dropout: z.number().min(0).max(0.9).default(0.5),
});

export const architectureSchema = z.discriminatedUnion("kind", [mlpArchitecture, cnnArchitecture]);
export type Architecture = z.infer<typeof architectureSchema>;

export const optimizerSchema = z.object({
  name: z.enum(["rmsprop", "adam", "sgd"]).default("rmsprop"),
  /** Keras' RMSprop default; range 1e-6..1. */
  learningRate: z.number().gt(0).max(1).default(0.001),
  /** RMSprop decay (Keras' rho). */
  rho: z.number().min(0).lt(1).default(0.9),
  /** SGD momentum. */
  momentum: z.number().min(0).lt(1).default(0.9),
});
export type OptimizerConfig = z.infer<typeof optimizerSchema>;

/**
 * The first control character of `text` a field of kind `kind` does not allow, as "U+0000 at character 4", or null.
 * Names are one line: no C0 control (U+0000–U+001F), DEL (U+007F) or C1 control (U+0080–U+009F). Notes are free text
 * and keep tab, line feed and carriage return. A NUL reaches the worker's `spawn` as an argument and fails it; the
 * others turn into invisible or line-breaking text in logs, CSV and the pages.
 */
export function controlCharacterIn(text: string, kind: "line" | "text"): string | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
    if (control && !(kind === "text" && (c === 0x09 || c === 0x0a || c === 0x0d))) {
      return `U+${c.toString(16).toUpperCase().padStart(4, "0")} at character ${i + 1}`;
    }
  }
  return null;
}

function withoutControls(field: string, kind: "line" | "text") {
  return (text: string, ctx: z.core.$RefinementCtx<string>) => {
    const found = controlCharacterIn(text, kind);
    if (found) {
      const allowed = kind === "text" ? " other than tab and line breaks" : "";
      ctx.addIssue({ code: "custom", message: `${field} must not contain control characters${allowed} (${found})` });
    }
  };
}

export const trainConfigSchema = z.object({
  name: z.string().trim().min(1).max(120).superRefine(withoutControls("name", "line")).default("seed MLP"),
  notes: z.string().max(2000).superRefine(withoutControls("notes", "text")).default(""),
  architecture: architectureSchema.default({ kind: "mlp", hidden: [512, 512, 512], dropout: 0.2 }),
  optimizer: optimizerSchema.default({ name: "rmsprop", learningRate: 0.001, rho: 0.9, momentum: 0.9 }),
  batchSize: z.number().int().min(1).max(8192).default(128),
  epochs: z.number().int().min(1).max(500).default(16),
  /** Fraction of the (subset of the) training set held out, taken from its end as Keras does. */
  validationSplit: z.number().min(0).lt(1).default(0.2),
  shuffle: z.boolean().default(true),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
  /** First N training digits used (train + validation). */
  trainSize: z.number().int().min(10).max(60_000).default(60_000),
  /** First N test digits evaluated. */
  testSize: z.number().int().min(10).max(10_000).default(10_000),
  /** Test digits whose hidden activations are recorded every epoch (stratified by class). */
  probeSize: z.number().int().min(0).max(10_000).default(2_000),
  probeSeed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  /**
   * Keep every epoch's weights as extra checkpoints ("epoch-N", beside "best") so the digit inspector can show how
   * the evidence changed; costs the parameters × 4 bytes per epoch (lib/core/job-cost.ts).
   */
  keepEpochWeights: z.boolean().default(false),
});
export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** The settings each architecture's preset chooses for itself, where a config leaves them out. */
export interface PresetDefaults {
  optimizer: OptimizerConfig["name"];
  learningRate: number;
  epochs: number;
}

/**
 * The seed MLP keeps the notebook's RMSprop and 16 epochs (the schema's defaults). The CNN takes Adam at 1e-3, the
 * usual choice for this network (Keras' MNIST convnet example), and 12 epochs: enough for the validation loss to
 * level off at batch 128, with the best epoch's checkpoint restored for the test (docs/cnn.md).
 */
export const PRESET_DEFAULTS: Record<Architecture["kind"], PresetDefaults> = {
  mlp: { optimizer: "rmsprop", learningRate: 0.001, epochs: 16 },
  cnn: { optimizer: "adam", learningRate: 0.001, epochs: 12 },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `input` (a TrainConfigInput, before validation) with its architecture's preset defaults in the optimizer name,
 * learning rate and epochs it leaves out; a value it gives is kept. Anything that is not a config object, or names
 * an unknown architecture, comes back as it is for the schema to reject.
 */
export function withPresetDefaults(input: unknown): unknown {
  if (!isRecord(input)) return input;
  const kind = isRecord(input.architecture) ? input.architecture.kind : "mlp";
  const preset = typeof kind === "string" ? PRESET_DEFAULTS[kind as Architecture["kind"]] : undefined;
  if (!preset || (input.optimizer !== undefined && !isRecord(input.optimizer))) return input;
  const optimizer = input.optimizer ?? {};
  return {
    ...input,
    optimizer: {
      ...optimizer,
      name: optimizer.name ?? preset.optimizer,
      learningRate: optimizer.learningRate ?? preset.learningRate,
    },
    epochs: input.epochs ?? preset.epochs,
  };
}

/**
 * Parses a config, filling its architecture's preset defaults (withPresetDefaults) and then the seed's; throws a
 * ZodError naming each bad field.
 */
export function parseTrainConfig(input: unknown): TrainConfig {
  const config = trainConfigSchema.parse(withPresetDefaults(input));
  if (config.probeSize > config.testSize) {
    throw new RangeError(
      `probeSize ${config.probeSize} exceeds testSize ${config.testSize}: lower --probe-size or raise --test-size`,
    );
  }
  if (splitSizes(config).train < 1) {
    throw new RangeError(
      `trainSize ${config.trainSize} with validationSplit ${config.validationSplit} leaves no training digits`,
    );
  }
  return config;
}

/** Training and validation sizes as Keras splits them: the first `floor(n * (1 - split))` train, the rest validate. */
export function splitSizes(config: Pick<TrainConfig, "trainSize" | "validationSplit">): { train: number; val: number } {
  const train = Math.floor(config.trainSize * (1 - config.validationSplit));
  return { train, val: config.trainSize - train };
}

// The ranges and defaults the admin form states next to each field, read from lib/core/train-config.ts's zod schema
// (through its JSON Schema) so the form can never disagree with the validation behind it.
import { z } from "zod";
import { architectureSchema, PRESET_DEFAULTS, trainConfigSchema, type Architecture } from "./train-config";

export interface NumberFieldSpec {
  min?: number;
  max?: number;
  /** True when `min` itself is not allowed (learning rate > 0). */
  minExclusive: boolean;
  maxExclusive: boolean;
  integer: boolean;
  default?: number;
}

export interface JobFormSpecs {
  dropout: { mlp: NumberFieldSpec; cnn: NumberFieldSpec };
  learningRate: NumberFieldSpec;
  batchSize: NumberFieldSpec;
  epochs: NumberFieldSpec;
  validationSplit: NumberFieldSpec;
  trainSize: NumberFieldSpec;
  testSize: NumberFieldSpec;
  probeSize: NumberFieldSpec;
  seed: NumberFieldSpec;
  /** Each hidden width's range and how many hidden layers are allowed. */
  hidden: { width: NumberFieldSpec; minLayers: number; maxLayers: number; default: number[] };
  optimizers: string[];
  defaultOptimizer: string;
  nameMaxLength: number;
  notesMaxLength: number;
}

type JsonSchema = {
  type?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  enum?: string[];
};

function numberSpec(schema: JsonSchema | undefined): NumberFieldSpec {
  if (!schema) throw new Error("form field missing from trainConfigSchema");
  const min = schema.minimum ?? schema.exclusiveMinimum;
  const max = schema.maximum ?? schema.exclusiveMaximum;
  return {
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    minExclusive: schema.exclusiveMinimum !== undefined,
    maxExclusive: schema.exclusiveMaximum !== undefined,
    integer: schema.type === "integer",
    ...(typeof schema.default === "number" ? { default: schema.default } : {}),
  };
}

/** Every range and default of the job form, from the training schema. */
export function jobFormSpecs(): JobFormSpecs {
  const root = z.toJSONSchema(trainConfigSchema, { io: "input" }) as JsonSchema;
  const p = root.properties!;
  const [mlp, cnn] = p.architecture!.oneOf!;
  const optimizer = p.optimizer!.properties!;
  const hidden = mlp!.properties!.hidden!;
  return {
    dropout: { mlp: numberSpec(mlp!.properties!.dropout), cnn: numberSpec(cnn!.properties!.dropout) },
    learningRate: numberSpec(optimizer.learningRate),
    batchSize: numberSpec(p.batchSize),
    epochs: numberSpec(p.epochs),
    validationSplit: numberSpec(p.validationSplit),
    trainSize: numberSpec(p.trainSize),
    testSize: numberSpec(p.testSize),
    probeSize: numberSpec(p.probeSize),
    seed: numberSpec(p.seed),
    hidden: {
      width: numberSpec(hidden.items),
      minLayers: hidden.minItems ?? 1,
      maxLayers: hidden.maxItems ?? 1,
      default: hidden.default as number[],
    },
    optimizers: optimizer.name!.enum ?? [],
    defaultOptimizer: String(optimizer.name!.default),
    nameMaxLength: p.name!.maxLength ?? 120,
    notesMaxLength: p.notes!.maxLength ?? 2000,
  };
}

/** "1 to 500", "greater than 0, at most 1", "0 to below 1": the range as the form states it. */
export function describeRange(spec: NumberFieldSpec): string {
  const fmt = (x: number) => (Math.abs(x) >= 10_000 ? x.toLocaleString("en-US") : String(x));
  if (spec.min === undefined && spec.max === undefined) return "";
  if (spec.minExclusive || spec.maxExclusive) {
    const low =
      spec.min === undefined ? "" : spec.minExclusive ? `greater than ${fmt(spec.min)}` : `at least ${fmt(spec.min)}`;
    const high =
      spec.max === undefined ? "" : spec.maxExclusive ? `below ${fmt(spec.max)}` : `at most ${fmt(spec.max)}`;
    return [low, high].filter(Boolean).join(", ");
  }
  return `${fmt(spec.min!)} to ${fmt(spec.max!)}`;
}

/** The form fields an architecture's preset sets. */
export const PRESET_FIELDS = ["dropout", "optimizer", "learningRate", "epochs"] as const;
export type PresetField = (typeof PRESET_FIELDS)[number];

/** An architecture's preset as the form's text: its dropout (from the schema), optimizer, learning rate and epochs. */
export function presetFormValues(kind: Architecture["kind"]): Record<PresetField, string> {
  const preset = PRESET_DEFAULTS[kind];
  return {
    dropout: String(architectureSchema.parse({ kind }).dropout),
    optimizer: preset.optimizer,
    learningRate: String(preset.learningRate),
    epochs: String(preset.epochs),
  };
}

function isKind(value: string): value is Architecture["kind"] {
  return value in PRESET_DEFAULTS;
}

/**
 * The form's values after choosing architecture `to`: each preset field still holding the previous architecture's
 * default takes `to`'s, so picking the CNN brings Adam and its epochs along; a field the admin has changed keeps it.
 */
export function switchArchitecture<V extends Record<PresetField | "architecture", string>>(values: V, to: string): V {
  const next = { ...values, architecture: to };
  if (!isKind(to) || !isKind(values.architecture) || to === values.architecture) return next;
  const [from, into] = [presetFormValues(values.architecture), presetFormValues(to)];
  for (const field of PRESET_FIELDS) if (values[field].trim() === from[field]) next[field] = into[field];
  return next;
}

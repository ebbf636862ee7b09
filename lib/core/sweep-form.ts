// The sweep form's text fields as a sweep spec: "0.001, 0.01" is a list, "0.0001..0.01/3" a range with 3 grid
// points, "512,512,512 | 256,256" a list of hidden-width lists. Pure: the browser builds the spec the API validates.
import { describeValue, parsePlainDecimal } from "./plain-number";
import { NUMERIC_AXES, SWEEP_AXES, type NumericAxis, type SweepAxis, type SweepSpecInput } from "./sweep-spec";

/** The fixed fields the form offers (the others take the chosen architecture's defaults). */
export const SWEEP_FIXED_FORM_FIELDS = [
  "architecture",
  "epochs",
  "trainSize",
  "validationSplit",
  "testSize",
  "probeSize",
  "notes",
] as const;
export type SweepFixedFormField = (typeof SWEEP_FIXED_FORM_FIELDS)[number];

export type SweepFormValues = Record<SweepAxis | SweepFixedFormField | "name" | "mode" | "count" | "drawSeed", string>;

/** How each axis is written, for the form's hints. */
export const AXIS_SYNTAX: Record<SweepAxis, string> = {
  learningRate: "a list (0.001, 0.01) or a range start..stop/steps (0.0001..0.01/3, log scale)",
  hidden: "width lists separated by | (512,512,512 | 256,256)",
  dropout: "a list (0, 0.2) or a range start..stop/steps (0..0.4/3)",
  optimizer: "a list of rmsprop, adam, sgd",
  batchSize: "a list (64, 128) or a range start..stop/steps (32..256/4)",
  seed: "a list (1, 2, 3) or a range start..stop/steps (1..5/5)",
};

const RANGE = /^(.+?)\.\.(.+?)(?:\/(.+))?$/;

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function numberAt(axis: string, text: string): Parsed<number> {
  const n = parsePlainDecimal(text.trim());
  return n === null
    ? { ok: false, message: `${axis}: ${describeValue(text.trim())} is not a plain decimal number` }
    : { ok: true, value: n };
}

/** One axis's text as its spec part; an empty text leaves the axis out (undefined). */
export function parseAxisText(axis: SweepAxis, text: string): Parsed<unknown> {
  const t = text.trim();
  if (t === "") return { ok: true, value: undefined };
  if (axis === "optimizer") return { ok: true, value: { values: t.split(",").map((s) => s.trim()) } };
  if (axis === "hidden") {
    const lists: number[][] = [];
    for (const part of t.split("|")) {
      const widths: number[] = [];
      for (const w of part.split(",")) {
        const n = numberAt(axis, w);
        if (!n.ok) return n;
        widths.push(n.value);
      }
      lists.push(widths);
    }
    return { ok: true, value: { values: lists } };
  }
  const range = t.match(RANGE);
  if (range) {
    const [start, stop] = [numberAt(axis, range[1]!), numberAt(axis, range[2]!)];
    if (!start.ok) return start;
    if (!stop.ok) return stop;
    const steps = range[3] === undefined ? undefined : numberAt(axis, range[3]);
    if (steps && !steps.ok) return steps;
    return {
      ok: true,
      value: { range: { start: start.value, stop: stop.value, ...(steps ? { steps: steps.value } : {}) } },
    };
  }
  const values: number[] = [];
  for (const part of t.split(",")) {
    const n = numberAt(axis, part);
    if (!n.ok) return n;
    values.push(n.value);
  }
  return { ok: true, value: { values } };
}

/** The form's values as a spec for sweepSpecSchema, or the first message per field the text itself gets wrong. */
export function sweepSpecOfForm(
  values: SweepFormValues,
): { ok: true; input: SweepSpecInput } | { ok: false; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const axes: Record<string, unknown> = {};
  for (const axis of SWEEP_AXES) {
    const parsed = parseAxisText(axis, values[axis]);
    if (!parsed.ok) errors[`axes.${axis}`] = [parsed.message];
    else if (parsed.value !== undefined) axes[axis] = parsed.value;
  }
  const whole = (field: "count" | "drawSeed"): number | undefined => {
    if (values[field].trim() === "") return undefined;
    const n = numberAt(field, values[field]);
    if (!n.ok) errors[field] = [n.message];
    return n.ok ? n.value : undefined;
  };
  const count = values.mode === "random" ? whole("count") : undefined;
  const drawSeed = values.mode === "random" ? whole("drawSeed") : undefined;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const fixed: Record<string, string> = {};
  for (const field of SWEEP_FIXED_FORM_FIELDS) if (values[field].trim() !== "") fixed[field] = values[field];
  return {
    ok: true,
    input: {
      name: values.name,
      mode: values.mode as "grid" | "random",
      ...(count !== undefined ? { count } : {}),
      ...(drawSeed !== undefined ? { drawSeed } : {}),
      axes: axes as SweepSpecInput["axes"],
      fixed,
    },
  };
}

/** Whether `axis` is numeric (a list or a range) rather than categorical. */
export function isNumericAxis(axis: SweepAxis): axis is NumericAxis {
  return (NUMERIC_AXES as readonly string[]).includes(axis);
}

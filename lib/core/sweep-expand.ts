// A sweep spec expanded into its jobs: every combination of the axes (grid) or `count` seeded draws (random), each
// as the job form's fields and then, through parseJobForm, a validated TrainConfig. Pure: the admin form shows
// the count and cost of the same jobs the API queues.
import { parseJobForm, type JobFormInput } from "./job-params";
import type { TrainConfig } from "./train-config";
import {
  INTEGER_AXES,
  MAX_SWEEP_JOBS,
  NUMERIC_AXES,
  rangeScale,
  SWEEP_AXES,
  type NumericAxis,
  type NumericAxisSpec,
  type SweepAxis,
  type SweepSpec,
} from "./sweep-spec";
import { createRng } from "./rng";

/** One job's swept values (only the axes the spec varies). */
export interface SweepPoint {
  learningRate?: number;
  hidden?: number[];
  dropout?: number;
  optimizer?: string;
  batchSize?: number;
  seed?: number;
}

export interface SweepJob {
  /** 0-based position in the sweep. */
  index: number;
  point: SweepPoint;
  /** The job form's fields: the spec's fixed ones, this point's and a run name. */
  form: JobFormInput;
}

/** Rounds away float noise (0.0009999999 → 0.001) and whole-number axes to integers, kept inside [lo, hi]. */
function tidy(axis: NumericAxis, value: number, lo = -Infinity, hi = Infinity): number {
  const rounded = INTEGER_AXES.includes(axis) ? Math.round(value) : Number(value.toPrecision(6));
  return Math.min(hi, Math.max(lo, rounded));
}

/** The grid values of a numeric axis, duplicates (from rounding) removed, in order. */
export function numericAxisValues(axis: NumericAxis, spec: NumericAxisSpec): number[] {
  if (spec.values) return [...new Set(spec.values.map((v) => tidy(axis, v)))];
  const { start, stop, steps = 1 } = spec.range!;
  const log = rangeScale(axis, spec.range!) === "log";
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = steps === 1 ? 0 : i / (steps - 1);
    const v = log ? Math.exp(Math.log(start) + t * (Math.log(stop) - Math.log(start))) : start + t * (stop - start);
    values.push(tidy(axis, v, start, stop));
  }
  return [...new Set(values)];
}

/** Every axis the spec varies, with its grid values. */
type GridAxis = { axis: SweepAxis; values: Array<number | number[] | string> };

function gridAxes(spec: SweepSpec): GridAxis[] {
  return SWEEP_AXES.flatMap((axis): GridAxis[] => {
    const a = spec.axes[axis];
    if (!a) return [];
    if (axis === "hidden") return [{ axis, values: spec.axes.hidden!.values }];
    if (axis === "optimizer") return [{ axis, values: [...new Set(spec.axes.optimizer!.values)] }];
    return [{ axis, values: numericAxisValues(axis, a as NumericAxisSpec) }];
  });
}

/** How many jobs the spec queues: the product of the axes' value counts (grid), or `count` (random). */
export function countSweepJobs(spec: SweepSpec): number {
  if (spec.mode === "random") return spec.count ?? 0;
  return gridAxes(spec).reduce((n, a) => n * a.values.length, 1);
}

function gridPoints(spec: SweepSpec): SweepPoint[] {
  let points: SweepPoint[] = [{}];
  for (const { axis, values } of gridAxes(spec)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [axis]: v })));
  }
  return points;
}

function randomPoints(spec: SweepSpec): SweepPoint[] {
  const rng = createRng(spec.drawSeed);
  const pick = <T>(values: readonly T[]): T => values[Math.min(values.length - 1, Math.floor(rng() * values.length))]!;
  return Array.from({ length: spec.count ?? 0 }, () => {
    const point: SweepPoint = {};
    for (const axis of SWEEP_AXES) {
      if (axis === "hidden") {
        if (spec.axes.hidden) point.hidden = pick(spec.axes.hidden.values);
        continue;
      }
      if (axis === "optimizer") {
        if (spec.axes.optimizer) point.optimizer = pick(spec.axes.optimizer.values);
        continue;
      }
      const a = spec.axes[axis];
      if (!a) continue;
      if (a.values) {
        point[axis] = tidy(axis, pick(a.values));
        continue;
      }
      const { start, stop } = a.range!;
      const u = rng();
      const v =
        rangeScale(axis, a.range!) === "log"
          ? Math.exp(Math.log(start) + u * (Math.log(stop) - Math.log(start)))
          : start + u * (stop - start);
      point[axis] = tidy(axis, v, start, stop);
    }
    return point;
  });
}

/** "lr 0.001 · 256-256 · adam": a point as a run name's tail. */
export function describePoint(point: SweepPoint): string {
  const parts: string[] = [];
  if (point.learningRate !== undefined) parts.push(`lr ${point.learningRate}`);
  if (point.hidden) parts.push(point.hidden.join("-"));
  if (point.dropout !== undefined) parts.push(`dropout ${point.dropout}`);
  if (point.optimizer) parts.push(point.optimizer);
  if (point.batchSize !== undefined) parts.push(`batch ${point.batchSize}`);
  if (point.seed !== undefined) parts.push(`seed ${point.seed}`);
  return parts.join(" · ");
}

/**
 * The spec's jobs in order: grid points vary the last axis fastest (SWEEP_AXES order); random draws are the same
 * for the same spec and drawSeed. Throws a RangeError over MAX_SWEEP_JOBS before building any of them.
 */
export function expandSweep(spec: SweepSpec): SweepJob[] {
  const n = countSweepJobs(spec);
  if (n > MAX_SWEEP_JOBS)
    throw new RangeError(`the sweep has ${n} combinations, over the limit of ${MAX_SWEEP_JOBS} jobs per sweep`);
  const points = spec.mode === "grid" ? gridPoints(spec) : randomPoints(spec);
  return points.map((point, index) => {
    const form: JobFormInput = { ...spec.fixed };
    for (const axis of NUMERIC_AXES) if (point[axis] !== undefined) form[axis] = point[axis];
    if (point.hidden) form.hidden = point.hidden;
    if (point.optimizer) form.optimizer = point.optimizer;
    const name = `${spec.name} ${index + 1}/${points.length}: ${describePoint(point)}`;
    return { index, point, form: { ...form, name: name.length > 120 ? `${name.slice(0, 119)}…` : name } };
  });
}

export type SweepConfigsResult =
  | { ok: true; jobs: SweepJob[]; configs: TrainConfig[] }
  | { ok: false; count: number; errors: Record<string, string[]> };

/**
 * The spec's jobs validated as training configs. An invalid job's field errors come back keyed by where the spec
 * sets that field ("axes.learningRate" or "fixed.epochs"), with the job's number: the first invalid job only.
 */
export function sweepConfigs(spec: SweepSpec): SweepConfigsResult {
  const count = countSweepJobs(spec);
  if (count > MAX_SWEEP_JOBS)
    return {
      ok: false,
      count,
      errors: { axes: [`${count} combinations: at most ${MAX_SWEEP_JOBS} jobs per sweep, so narrow the lists`] },
    };
  const jobs = expandSweep(spec);
  const configs: TrainConfig[] = [];
  for (const job of jobs) {
    const parsed = parseJobForm(job.form);
    if (parsed.ok) {
      configs.push(parsed.config);
      continue;
    }
    const errors: Record<string, string[]> = {};
    const where = `job ${job.index + 1} (${describePoint(job.point)})`;
    for (const [field, messages] of Object.entries(parsed.fieldErrors)) {
      const key = (SWEEP_AXES as readonly string[]).includes(field) && spec.axes[field as SweepAxis] ? "axes" : "fixed";
      errors[`${key}.${field}`] = (messages ?? []).map((m) => `${key}.${field} in ${where}: ${m}`);
    }
    if (parsed.formErrors.length) errors.body = parsed.formErrors.map((m) => `${where}: ${m}`);
    return { ok: false, count, errors };
  }
  return { ok: true, jobs, configs };
}

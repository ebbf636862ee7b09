// Queueing from the admin API: one job's form fields, or a sweep `{ "jobs": [fields, ...] }`, validated, costed
// against the server's limits as a whole (estimated training time and storage summed), then queued all or none.
import "server-only";
import type { Db } from "../../db/client";
import { enqueueJobs } from "../../db/jobs";
import { jobParamsOf, parseJobForm, parseJobKind, type FieldErrors, type JobKind } from "../../core/job-params";
import {
  costLimitProblems,
  estimateCrossvalCost,
  estimateJobCost,
  totalCost,
  type CostLimits,
  type JobCost,
} from "../../core/job-cost";
import type { TrainConfig } from "../../core/train-config";
import { readEnv } from "../../env";
import { fetchCalibrations } from "./calibration";

/** Jobs one request may queue (a sweep). */
export const MAX_JOBS_PER_REQUEST = 50;

export type SubmitResult =
  | { ok: true; jobIds: number[]; configs: TrainConfig[]; estimate: JobCost; limits: CostLimits }
  | {
      ok: false;
      error: string;
      fieldErrors: FieldErrors;
      formErrors: string[];
      /** For a sweep: each invalid job's errors by its index in `jobs`. */
      jobErrors?: Array<{ index: number; fieldErrors: FieldErrors; formErrors: string[] }>;
      estimate?: JobCost;
      limits?: CostLimits;
    };

/** The limits from the server's environment (MAX_JOB_TRAINING_HOURS, MAX_JOB_STORAGE_GB). */
export function costLimitsFromEnv(): CostLimits {
  const env = readEnv();
  return { maxTrainingMs: env.MAX_JOB_TRAINING_HOURS * 3_600_000, maxStorageBytes: env.MAX_JOB_STORAGE_GB * 1e9 };
}

function isSweep(body: unknown): body is { jobs: unknown } {
  return typeof body === "object" && body !== null && !Array.isArray(body) && "jobs" in body;
}

/** Validates, costs and queues `body` (one job's fields, or `{ jobs: [...] }`); nothing is queued unless all pass. */
export async function submitJobs(db: Db, body: unknown, queuedBy: string, limits: CostLimits): Promise<SubmitResult> {
  type Refusal = Extract<SubmitResult, { ok: false }>;
  const refused = (error: string, extra: Partial<Refusal> = {}): Refusal => ({
    ok: false,
    error,
    fieldErrors: {},
    formErrors: [],
    ...extra,
  });
  let items: unknown[];
  if (isSweep(body)) {
    const keys = Object.keys(body);
    if (keys.length !== 1)
      return refused(`a sweep has only "jobs", got also ${keys.filter((k) => k !== "jobs").join(", ")}`);
    if (!Array.isArray(body.jobs) || body.jobs.length === 0 || body.jobs.length > MAX_JOBS_PER_REQUEST)
      return refused(`"jobs" must be an array of 1 to ${MAX_JOBS_PER_REQUEST} jobs' parameters`);
    items = body.jobs;
  } else {
    items = [body];
  }
  const parsed = items.map((item) => parseJobForm(item));
  const kinds = items.map((item) => parseJobKind(item));
  const configs: TrainConfig[] = [];
  const jobKinds: JobKind[] = [];
  const jobErrors: NonNullable<Refusal["jobErrors"]> = [];
  parsed.forEach((p, index) => {
    const kind = kinds[index]!;
    if (p.ok && kind.ok) {
      configs.push(p.config);
      jobKinds.push(kind.job);
    } else {
      const fieldErrors: FieldErrors = p.ok ? {} : { ...p.fieldErrors };
      if (!kind.ok) (fieldErrors[kind.field] ??= []).push(kind.message);
      jobErrors.push({ index, fieldErrors, formErrors: p.ok ? [] : p.formErrors });
    }
  });
  if (jobErrors.length > 0) {
    const first = jobErrors[0]!;
    return refused("invalid parameters: nothing was queued", {
      fieldErrors: isSweep(body) ? {} : first.fieldErrors,
      formErrors: isSweep(body)
        ? [`job ${first.index + 1} of ${items.length} has invalid parameters`]
        : first.formErrors,
      ...(isSweep(body) ? { jobErrors } : {}),
    });
  }
  const calibrations = await fetchCalibrations(db);
  const costs = configs.map((c, i) => {
    const job = jobKinds[i]!;
    const calibration = calibrations[c.architecture.kind];
    return job.kind === "crossval" ? estimateCrossvalCost(c, job.folds, calibration) : estimateJobCost(c, calibration);
  });
  const estimate = totalCost(costs);
  const problems = costLimitProblems(costs, limits);
  if (problems.length > 0)
    return refused(`over the server's cost limits: nothing was queued (${problems.join("; ")})`, {
      formErrors: problems,
      estimate,
      limits,
    });
  const jobIds = await enqueueJobs(
    db,
    configs.map((c, i) => jobParamsOf(c, jobKinds[i]!)),
    queuedBy,
  );
  return { ok: true, jobIds, configs, estimate, limits };
}

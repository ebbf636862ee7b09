// Queueing a sweep from the admin API: the spec validated, expanded into its jobs (each validated as the job form
// is), costed as a whole against the server's limits, then the Sweep row and its jobs written together; and a
// sweep's jobs with their runs' figures as the sweep page shows them.
import "server-only";
import type { Db } from "../../db/client";
import { createSweep, getSweep, listSweepJobRuns, type SweepJobRunRow } from "../../db/sweeps";
import { costLimitProblems, estimateJobCost, totalCost, type CostLimits, type JobCost } from "../../core/job-cost";
import { parseSweepSpec } from "../../core/sweep-spec";
import { sweepConfigs } from "../../core/sweep-expand";
import type { SweepRunView } from "../../core/sweep-table";
import { trainConfigSchema, type TrainConfig } from "../../core/train-config";
import { fetchCalibrations } from "./calibration";
import { MAX_JOBS_PER_REQUEST } from "./submit";

export type SweepSubmitResult =
  | { ok: true; sweepId: number; jobIds: number[]; estimate: JobCost; limits: CostLimits }
  | { ok: false; error: string; errors: Record<string, string[]>; estimate?: JobCost; limits?: CostLimits };

/** Validates, expands, costs and queues the sweep `body`; nothing is written unless every job passes. */
export async function submitSweep(
  db: Db,
  body: unknown,
  queuedBy: string,
  limits: CostLimits,
): Promise<SweepSubmitResult> {
  const parsed = parseSweepSpec(body);
  if (!parsed.ok) return { ok: false, error: "invalid sweep: nothing was queued", errors: parsed.errors };
  const expanded = sweepConfigs(parsed.spec);
  if (!expanded.ok) return { ok: false, error: "invalid sweep: nothing was queued", errors: expanded.errors };
  if (expanded.configs.length > MAX_JOBS_PER_REQUEST)
    return {
      ok: false,
      error: "too many jobs: nothing was queued",
      errors: { axes: [`${expanded.configs.length} jobs: at most ${MAX_JOBS_PER_REQUEST} per request`] },
    };
  const calibrations = await fetchCalibrations(db);
  const costs = expanded.configs.map((c) => estimateJobCost(c, calibrations[c.architecture.kind]));
  const estimate = totalCost(costs);
  const problems = costLimitProblems(costs, limits);
  if (problems.length > 0)
    return {
      ok: false,
      error: `over the server's cost limits: nothing was queued (${problems.join("; ")})`,
      errors: { body: problems },
      estimate,
      limits,
    };
  const { sweepId, jobIds } = await createSweep(
    db,
    { name: parsed.spec.name, spec: parsed.spec, mode: parsed.spec.mode, queuedBy },
    expanded.configs,
  );
  return { ok: true, sweepId, jobIds, estimate, limits };
}

/** A sweep with its jobs as the sweep page shows them. */
export interface SweepView {
  id: number;
  name: string;
  mode: string;
  count: number;
  createdAt: string;
  /** Jobs still queued or running: the page keeps refreshing while there are any. */
  active: number;
  rows: SweepRunView[];
}

function elapsedMs(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  return new Date(end).getTime() - new Date(start).getTime();
}

/** One job's row: hyperparameters from its stored params, figures from its run (nulls until it has them). */
export function sweepRunViewOf(row: SweepJobRunRow): SweepRunView {
  let config: TrainConfig | null = null;
  try {
    const parsed = trainConfigSchema.safeParse(JSON.parse(row.params));
    config = parsed.success ? parsed.data : null;
  } catch {
    config = null;
  }
  const a = config?.architecture;
  return {
    jobId: row.jobId,
    status: row.jobStatus,
    progress:
      row.jobStatus === "running" && row.epochsPlanned
        ? `${row.stage} · epoch ${Math.min(row.progressEpoch, row.epochsPlanned)}/${row.epochsPlanned}`
        : row.jobStatus === "running"
          ? row.stage
          : "",
    runId: row.runId,
    workerId: row.workerId,
    learningRate: config?.optimizer.learningRate ?? null,
    hidden: a ? (a.kind === "mlp" ? a.hidden.join("-") : "CNN") : null,
    dropout: a?.dropout ?? null,
    optimizer: config?.optimizer.name ?? null,
    batchSize: config?.batchSize ?? null,
    seed: config?.seed ?? null,
    bestValLoss: row.bestValLoss,
    bestEpoch: row.bestEpoch,
    testAccuracy: row.testAccuracy,
    durationMs: elapsedMs(row.runStartedAt, row.runFinishedAt) ?? elapsedMs(row.jobStartedAt, row.jobFinishedAt),
  };
}

/** The sweep page's data, or null when there is no such sweep. */
export async function fetchSweepView(db: Db, sweepId: number): Promise<SweepView | null> {
  const [sweep, jobs] = await Promise.all([getSweep(db, sweepId), listSweepJobRuns(db, sweepId)]);
  if (!sweep) return null;
  return {
    id: sweep.id,
    name: sweep.name,
    mode: sweep.mode,
    count: sweep.count,
    createdAt: sweep.createdAt,
    active: jobs.filter((j) => j.jobStatus === "queued" || j.jobStatus === "running").length,
    rows: jobs.map(sweepRunViewOf),
  };
}

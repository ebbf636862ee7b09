// Queueing a sweep from the admin API: the spec validated, expanded into its jobs (each validated as the job form
// is), costed as a whole against the server's limits, then the Sweep row and its jobs written together.
import "server-only";
import type { Db } from "../../db/client";
import { createSweep } from "../../db/sweeps";
import { costLimitProblems, estimateJobCost, totalCost, type CostLimits, type JobCost } from "../../core/job-cost";
import { parseSweepSpec } from "../../core/sweep-spec";
import { sweepConfigs } from "../../core/sweep-expand";
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

"use client";
// The admin page's live part: the job form, the workers and the jobs table, polling /api/admin/jobs (every second
// while a job is queued or running, every 5 s otherwise) so progress and heartbeats move without a reload.
import { useCallback, useEffect, useState } from "react";
import type { Calibration } from "@/lib/core/job-estimate";
import type { CostLimits } from "@/lib/core/job-cost";
import type { JobFormSpecs } from "@/lib/core/job-form-fields";
import type { AdminStorage } from "@/lib/features/jobs/admin-storage";
import type { JobView, WorkerView } from "@/lib/features/jobs/view";
import { JobForm } from "./job-form";
import { JobsTable } from "./jobs-table";
import { RunsTable } from "./runs-table";
import { SweepForm } from "./sweep-form";
import { WorkersPanel } from "./workers-panel";

const ACTIVE_POLL_MS = 1000;
const IDLE_POLL_MS = 5000;

export function AdminConsole(props: {
  csrfToken: string;
  initialJobs: JobView[];
  initialWorkers: WorkerView[];
  specs: JobFormSpecs;
  calibrations: Record<"mlp" | "cnn", Calibration>;
  limits: CostLimits;
  initialStorage: AdminStorage;
}) {
  const [jobs, setJobs] = useState(props.initialJobs);
  const [workers, setWorkers] = useState(props.initialWorkers);
  const [storage, setStorage] = useState(props.initialStorage);
  const [problem, setProblem] = useState<string | null>(null);
  const [loggedOut, setLoggedOut] = useState(false);
  // Bumped after every refresh, successful or not, so the next one is always scheduled.
  const [tick, setTick] = useState(0);

  const refresh = useCallback(async () => {
    try {
      const res = await fetch("/api/admin/jobs", { cache: "no-store", credentials: "same-origin" });
      if (res.status === 401) {
        setLoggedOut(true);
        return;
      }
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const answer = (await res.json()) as { jobs: JobView[]; workers: WorkerView[] } & AdminStorage;
      setJobs(answer.jobs);
      setWorkers(answer.workers);
      setStorage({ storage: answer.storage, runs: answer.runs });
      setProblem(null);
    } catch (err) {
      setProblem(`could not refresh the jobs: ${(err as Error).message}`);
    } finally {
      setTick((t) => t + 1);
    }
  }, []);

  // Freed pages still being returned count as activity too, so the figure shrinks as it happens.
  const active =
    jobs.some((j) => j.status === "queued" || j.status === "running") ||
    (storage.storage.freeBytes > 0 && storage.storage.autoVacuum === "incremental");
  useEffect(() => {
    if (loggedOut) return;
    const timer = setTimeout(() => void refresh(), active ? ACTIVE_POLL_MS : IDLE_POLL_MS);
    return () => clearTimeout(timer);
  }, [tick, active, loggedOut, refresh]);

  return (
    <>
      {loggedOut ? (
        <p role="alert" className="card" style={{ color: "var(--bad)" }}>
          Your session has ended. <a href="/login?next=/admin">Log in again</a>.
        </p>
      ) : null}
      <JobForm
        csrfToken={props.csrfToken}
        specs={props.specs}
        calibrations={props.calibrations}
        limits={props.limits}
        onQueued={refresh}
      />
      <SweepForm
        csrfToken={props.csrfToken}
        calibrations={props.calibrations}
        limits={props.limits}
        onQueued={refresh}
      />
      <section className="card" data-testid="workers-panel">
        <h2>Workers</h2>
        <WorkersPanel workers={workers} />
      </section>
      <section className="card">
        <h2>Jobs</h2>
        {problem ? <p className="muted">{problem}</p> : null}
        <JobsTable jobs={jobs} csrfToken={props.csrfToken} onChange={refresh} />
      </section>
      <section className="card">
        <h2>Runs and storage</h2>
        <RunsTable data={storage} csrfToken={props.csrfToken} onChange={refresh} />
      </section>
    </>
  );
}

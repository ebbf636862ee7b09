"use client";
// Every recent job: status, stage, progress with ETA, its run, the worker (host) that ran it, and cancel / retry.
import { useState } from "react";
import { formatEta } from "@/lib/core/job-estimate";
import type { JobView } from "@/lib/features/jobs/view";
import { postAdmin } from "./admin-fetch";
import { DeleteButton } from "./delete-button";

function progressText(job: JobView): string {
  if (job.status === "queued") return "waiting for a worker";
  if (job.status !== "running") return `${job.progressEpoch}/${job.epochs} epochs`;
  if (job.stage === "starting") return "starting: loading data";
  if (job.stage === "pairs") return `${job.epochs}/${job.epochs} epochs · computing pair figures`;
  if (job.stage === "projecting") return `${job.epochs}/${job.epochs} epochs · computing projections`;
  if (job.progressEpoch >= job.epochs) return `${job.epochs}/${job.epochs} epochs · final test evaluation`;
  const batch = job.batchesPerEpoch > 0 ? ` · batch ${job.progressBatch}/${job.batchesPerEpoch}` : "";
  const epoch = Math.min(job.progressEpoch + 1, job.epochs);
  return `epoch ${epoch}/${job.epochs}${batch}${job.etaMs !== null ? ` · ETA ${formatEta(job.etaMs)}` : ""}`;
}

function fraction(job: JobView): number {
  if (job.epochs === 0) return 0;
  const inEpoch = job.batchesPerEpoch > 0 ? job.progressBatch / job.batchesPerEpoch : 0;
  return Math.min(1, (job.progressEpoch + inEpoch) / job.epochs);
}

function when(iso: string | null): string {
  return iso ? iso.slice(0, 19).replace("T", " ") : "—";
}

export function JobsTable({
  jobs,
  csrfToken,
  onChange,
}: {
  jobs: JobView[];
  csrfToken: string;
  onChange: () => Promise<void>;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const act = async (job: JobView, action: "cancel" | "retry") => {
    const { status, body } = await postAdmin<{ error?: string; jobId?: number }>(
      `/api/admin/jobs/${job.id}/${action}`,
      csrfToken,
    );
    setMessage(
      status >= 400
        ? `Job ${job.id}: ${body.error ?? `HTTP ${status}`}`
        : action === "retry"
          ? `Job ${job.id} queued again as job ${body.jobId}.`
          : status === 202
            ? `Job ${job.id}: stopping after the current batch.`
            : `Job ${job.id} cancelled.`,
    );
    await onChange();
  };
  if (jobs.length === 0)
    return (
      <p className="muted" data-testid="no-jobs">
        No jobs yet: queue one above.
      </p>
    );
  return (
    <>
      {message ? <p data-testid="jobs-message">{message}</p> : null}
      <div className="table-scroll">
        <table className="data" data-testid="jobs-table">
          <thead>
            <tr>
              <th>Job</th>
              <th>Status</th>
              <th>Progress</th>
              <th>Run</th>
              <th>Worker</th>
              <th>Queued</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id} id={`job-${job.id}`} data-job-id={job.id}>
                <td>
                  <strong>
                    #{job.id} {job.name}
                  </strong>
                  <div className="muted" style={{ fontSize: "0.85em" }}>
                    {job.summary}
                  </div>
                  {job.retryOfId !== null ? <div className="muted">retry of job #{job.retryOfId}</div> : null}
                </td>
                <td>
                  <span className={`status status-${job.status}`} data-testid="job-status">
                    {job.status}
                  </span>
                  {job.cancelRequested && job.status === "running" ? <div className="muted">cancelling…</div> : null}
                  {job.stale ? (
                    <div style={{ color: "var(--bad)" }}>
                      no heartbeat for {Math.round((job.heartbeatAgeMs ?? 0) / 1000)} s
                    </div>
                  ) : null}
                  {job.error ? (
                    <div className="muted" data-testid="job-error" style={{ maxWidth: 320 }}>
                      {job.error}
                    </div>
                  ) : null}
                </td>
                <td style={{ minWidth: 200 }}>
                  <div data-testid="job-progress">{progressText(job)}</div>
                  {job.status === "running" ? (
                    <div className="progress" aria-label="progress">
                      <div style={{ width: `${fraction(job) * 100}%` }} />
                    </div>
                  ) : null}
                </td>
                <td data-testid="job-run">
                  {job.run ? (
                    <a href={`/runs/${job.run.id}`}>
                      run #{job.run.id} ({job.run.status})
                    </a>
                  ) : (
                    "—"
                  )}
                </td>
                <td data-testid="job-worker" title={job.worker?.id}>
                  {job.worker ? job.worker.host : "—"}
                  {job.attempts > 1 ? <div className="muted">attempt {job.attempts}</div> : null}
                </td>
                <td>
                  {when(job.createdAt)}
                  <div className="muted">{job.queuedBy}</div>
                </td>
                <td>
                  {job.status === "queued" || (job.status === "running" && !job.cancelRequested) ? (
                    <button type="button" onClick={() => void act(job, "cancel")}>
                      Cancel
                    </button>
                  ) : null}
                  {job.status === "failed" || job.status === "cancelled" ? (
                    <button type="button" onClick={() => void act(job, "retry")}>
                      Retry
                    </button>
                  ) : null}
                  {job.status !== "queued" ? (
                    <DeleteButton
                      url={`/api/admin/jobs/${job.id}/delete`}
                      what={`job #${job.id}${job.run ? ` with run #${job.run.id}` : ""}${job.status === "running" ? " (cancelled first)" : ""}`}
                      csrfToken={csrfToken}
                      onDone={async (text) => {
                        setMessage(text);
                        await onChange();
                      }}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

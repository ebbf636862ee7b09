"use client";
// The workers on every host: state, current job (linked to its row in the jobs table), heartbeat age, jobs ended.
import type { WorkerState, WorkerView } from "@/lib/features/jobs/view";

/** The status badge colours of the jobs table: busy, fine, gone wrong, ended. */
const STATE_CLASS: Record<WorkerState, string> = {
  running: "status-running",
  idle: "status-succeeded",
  lost: "status-failed",
  stopped: "status-cancelled",
};

function age(ms: number): string {
  if (ms < 1000) return "now";
  if (ms < 120_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min ago`;
  return `${Math.round(ms / 3_600_000)} h ago`;
}

export function WorkersPanel({ workers }: { workers: WorkerView[] }) {
  if (workers.length === 0)
    return (
      <p className="muted" data-testid="no-workers">
        No worker has started yet: run <code>npm run worker</code> on any machine that reaches the database.
      </p>
    );
  return (
    <div className="table-scroll">
      <table className="data" data-testid="workers-table">
        <thead>
          <tr>
            <th>Host</th>
            <th>Worker</th>
            <th>State</th>
            <th>Current job</th>
            <th>Last heartbeat</th>
            <th>Jobs done</th>
            <th>Failed</th>
          </tr>
        </thead>
        <tbody>
          {workers.map((w) => (
            <tr key={w.id} data-worker-id={w.id}>
              <td data-testid="worker-host">
                <strong>{w.host}</strong>
              </td>
              <td>
                <code>{w.id}</code>
                <div className="muted">pid {w.pid}</div>
              </td>
              <td>
                <span className={`status ${STATE_CLASS[w.state]}`} data-testid="worker-state">
                  {w.state}
                </span>
              </td>
              <td data-testid="worker-job">
                {w.currentJobId !== null && (w.state === "running" || w.state === "lost") ? (
                  <a href={`#job-${w.currentJobId}`}>job #{w.currentJobId}</a>
                ) : (
                  "—"
                )}
              </td>
              <td>{age(w.heartbeatAgeMs)}</td>
              <td data-testid="worker-done">{w.jobsDone}</td>
              <td>{w.jobsFailed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

"use client";
// Every run with the space it takes, the database's size, and a delete button that asks first.
import { useState } from "react";
import { formatBytes } from "@/lib/core/job-cost";
import type { AdminStorage } from "@/lib/features/jobs/admin-storage";
import { DeleteButton } from "./delete-button";

export function RunsTable({
  data,
  csrfToken,
  onChange,
}: {
  data: AdminStorage;
  csrfToken: string;
  onChange: () => Promise<void>;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const { storage, runs } = data;
  const done = async (text: string) => {
    setMessage(text);
    await onChange();
  };
  return (
    <>
      <p data-testid="storage">
        Database: <strong>{formatBytes(storage.fileBytes)}</strong>
        {storage.freeBytes > 0 ? (
          <>
            , of which <strong data-testid="storage-free">{formatBytes(storage.freeBytes)}</strong> freed by deletions
            {storage.autoVacuum === "incremental"
              ? " is being returned to the disk"
              : " is reused for new data (run the migrations to return it to the disk)"}
          </>
        ) : null}
        .
      </p>
      {message ? <p data-testid="runs-message">{message}</p> : null}
      {runs.length === 0 ? (
        <p className="muted">No runs.</p>
      ) : (
        <div className="table-scroll">
          <table className="data" data-testid="runs-table">
            <thead>
              <tr>
                <th>Run</th>
                <th>Status</th>
                <th>Size</th>
                <th>Job</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id} data-run-id={run.id}>
                  <td>
                    <a href={`/runs/${run.id}`}>
                      #{run.id} {run.name}
                    </a>
                  </td>
                  <td>{run.status}</td>
                  <td>{formatBytes(run.bytes)}</td>
                  <td>{run.jobId !== null ? `#${run.jobId}` : "npm run train"}</td>
                  <td>
                    <DeleteButton
                      url={`/api/admin/runs/${run.id}/delete`}
                      what={`run #${run.id} "${run.name}" (${formatBytes(run.bytes)})`}
                      csrfToken={csrfToken}
                      onDone={done}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

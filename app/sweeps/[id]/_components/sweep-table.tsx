"use client";
// The sweep's runs as a table: every column sorts through the URL (?sort=…&dir=…), and two picked runs open /compare
// (its URL written here: lib/chart/pair-view.ts's compareHref pulls server-only numeric code into the browser).
import Link from "next/link";
import { useState } from "react";
import { formatDuration } from "@/lib/chart/progress";
import {
  nextSweepSort,
  SWEEP_COLUMN_LABELS,
  SWEEP_COLUMNS,
  sweepSortQuery,
  type SweepColumn,
  type SweepRunView,
  type SweepSort,
} from "@/lib/core/sweep-table";

const NUMERIC = new Set<SweepColumn>([
  "jobId",
  "learningRate",
  "dropout",
  "batchSize",
  "seed",
  "bestValLoss",
  "bestEpoch",
  "testAccuracy",
  "durationMs",
]);

/** A cell's text; the raw value goes in data-value so tests and scripts read the figure, not its formatting. */
export function formatSweepCell(column: SweepColumn, row: SweepRunView): string {
  const v = row[column];
  if (v === null) return "—";
  switch (column) {
    case "bestValLoss":
      return (v as number).toFixed(4);
    case "testAccuracy":
      return `${((v as number) * 100).toFixed(2)}%`;
    case "durationMs":
      return formatDuration(v as number);
    case "jobId":
      return `#${v}`;
    default:
      return String(v);
  }
}

export function SweepTable({ rows, sort }: { rows: SweepRunView[]; sort: SweepSort }) {
  const [picked, setPicked] = useState<number[]>([]);
  // Runs deleted since they were picked drop out of the choice.
  const pickedRuns = picked.filter((id) => rows.some((r) => r.runId === id));
  const toggle = (runId: number, on: boolean) =>
    setPicked((p) => (on ? [...p.filter((id) => id !== runId), runId].slice(-2) : p.filter((id) => id !== runId)));
  return (
    <>
      <p>
        {pickedRuns.length === 2 ? (
          <Link href={`/compare?runs=${pickedRuns.join(",")}`} data-testid="sweep-compare">
            Compare runs #{pickedRuns[0]} and #{pickedRuns[1]}
          </Link>
        ) : (
          <span className="muted" data-testid="sweep-compare-hint">
            Tick two runs to compare them ({pickedRuns.length} picked).
          </span>
        )}
      </p>
      <div className="table-scroll">
        <table className="data" data-testid="sweep-table">
          <thead>
            <tr>
              <th aria-label="pick to compare" />
              {SWEEP_COLUMNS.map((c) => (
                <th
                  key={c}
                  className={NUMERIC.has(c) ? "num" : undefined}
                  aria-sort={sort.column === c ? (sort.dir === "asc" ? "ascending" : "descending") : undefined}
                >
                  <Link href={sweepSortQuery(nextSweepSort(sort, c))} data-testid={`sort-${c}`} scroll={false}>
                    {SWEEP_COLUMN_LABELS[c]}
                    {sort.column === c ? (sort.dir === "asc" ? " ▲" : " ▼") : ""}
                  </Link>
                </th>
              ))}
              <th>run</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.jobId} data-job-id={row.jobId} data-run-id={row.runId ?? undefined}>
                <td>
                  {row.runId !== null ? (
                    <input
                      type="checkbox"
                      aria-label={`pick run #${row.runId}`}
                      data-testid="pick-run"
                      checked={pickedRuns.includes(row.runId)}
                      onChange={(e) => toggle(row.runId!, e.target.checked)}
                    />
                  ) : null}
                </td>
                {SWEEP_COLUMNS.map((c) => (
                  <td
                    key={c}
                    className={NUMERIC.has(c) ? "num" : undefined}
                    data-testid={`cell-${c}`}
                    data-value={row[c] ?? ""}
                    title={c === "status" && row.workerId ? `worker ${row.workerId}` : undefined}
                  >
                    {c === "status" ? (
                      <>
                        <span className={`status status-${row.status}`}>{row.status}</span>
                        {row.progress ? <div className="muted">{row.progress}</div> : null}
                      </>
                    ) : (
                      formatSweepCell(c, row)
                    )}
                  </td>
                ))}
                <td>{row.runId !== null ? <Link href={`/runs/${row.runId}`}>run #{row.runId}</Link> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

// Each finished run's test accuracy as stored, beside it with the reviewed digits' labels corrected and with them excluded.
import Link from "next/link";
import type { RunReviewedAccuracy } from "@/lib/features/labels/reviews";

function pct(x: number | null): string {
  return x === null || Number.isNaN(x) ? "–" : `${(x * 100).toFixed(2)}%`;
}

export function ReviewedAccuracyTable({ rows }: { rows: RunReviewedAccuracy[] }) {
  if (rows.length === 0) return <p>No finished run yet.</p>;
  const reviewed = rows[0]!.reviewedCount;
  return (
    <>
      <p>
        {reviewed} reviewed test digit{reviewed === 1 ? "" : "s"} among the evaluated ones. Corrected: a digit reviewed
        mislabelled counts against the label the reviewer gave. Excluded: digits reviewed mislabelled or ambiguous are
        left out.
      </p>
      <table className="data" data-testid="reviewed-accuracy">
        <thead>
          <tr>
            <th>run</th>
            <th>test digits</th>
            <th>accuracy as stored</th>
            <th>reviewed labels corrected</th>
            <th>reviewed digits excluded</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.runId} data-testid="accuracy-row" data-run={r.runId}>
              <td>
                <Link href={`/runs/${r.runId}/labels`}>
                  #{r.runId} {r.name}
                </Link>
              </td>
              <td>{r.count.toLocaleString("en-US")}</td>
              <td data-testid="acc-original" data-value={r.stored ?? r.original}>
                {pct(r.stored)}
              </td>
              <td data-testid="acc-corrected" data-value={r.corrected}>
                {pct(r.corrected)}
              </td>
              <td data-testid="acc-excluded" data-value={r.excluded}>
                {pct(r.excluded)} <span className="muted">({r.excludedCount} left out)</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

// The digit inspector's per-run history: this test digit's final prediction in every run that evaluated it.
import Link from "next/link";
import type { DigitInRun } from "@/lib/features/compare/digit-across-runs";
import { compareHref } from "@/lib/chart/pair-view";
import { formatPercent } from "@/lib/chart/ticks";

export function DigitAcrossRuns({
  runs,
  current,
  index,
  trueLabel,
}: {
  runs: DigitInRun[];
  current: number;
  index: number;
  trueLabel: number;
}) {
  const right = runs.filter((r) => r.predicted === trueLabel).length;
  return (
    <section className="card table-scroll">
      <h2>In every run</h2>
      <p className="muted">
        {runs.length <= 1
          ? "No other run has evaluated this digit yet."
          : `${right} of ${runs.length} runs classify it correctly (restored checkpoints).`}
      </p>
      {runs.length > 1 ? (
        <table className="data" data-testid="digit-runs">
          <thead>
            <tr>
              <th>run</th>
              <th className="num">predicted</th>
              <th className="num">p(predicted)</th>
              <th className="num">p(true = {trueLabel})</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr
                key={r.runId}
                data-run-id={r.runId}
                data-predicted={r.predicted}
                className={r.runId === current ? "row-best" : undefined}
              >
                <td>
                  {r.runId === current ? (
                    <strong>
                      #{r.runId} {r.name} (this run)
                    </strong>
                  ) : (
                    <Link href={`/runs/${r.runId}/digits/${index}`}>
                      #{r.runId} {r.name}
                    </Link>
                  )}{" "}
                  <span className="muted">{r.architecture.toUpperCase()}</span>
                </td>
                <td className="num">
                  <strong className={r.predicted === trueLabel ? "true-label" : "pred-label"}>{r.predicted}</strong>
                </td>
                <td className="num">{formatPercent(r.confidence)}</td>
                <td className="num">{formatPercent(r.trueProb)}</td>
                <td>{r.runId === current ? null : <Link href={compareHref([current, r.runId])}>compare</Link>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

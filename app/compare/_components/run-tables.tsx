// Compared runs' hyperparameters (from Run.config) and final metrics side by side, rows that differ highlighted.
import Link from "next/link";
import type { CompareRun } from "@/lib/features/compare/compare-runs";
import { diffRows, flattenConfig, runColour, type DiffRow } from "@/lib/chart/run-diff";
import { formatDuration } from "@/lib/chart/progress";
import { formatCount, formatLoss, formatPercent } from "@/lib/chart/ticks";
import styles from "./compare.module.css";

function RunHeads({ runs }: { runs: CompareRun[] }) {
  return (
    <>
      {runs.map((r, i) => (
        <th key={r.id} className={styles.runHead}>
          <span className={styles.swatch} style={{ background: runColour(i) }} />
          <Link href={`/runs/${r.id}`}>#{r.id}</Link> {i === 0 ? <span className="muted">(A)</span> : null}
        </th>
      ))}
    </>
  );
}

function DiffTable({
  runs,
  rows,
  testId,
  best,
}: {
  runs: CompareRun[];
  rows: DiffRow[];
  testId: string;
  best?: Record<string, number | null>;
}) {
  return (
    <table className="data" data-testid={testId}>
      <thead>
        <tr>
          <th />
          <RunHeads runs={runs} />
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={row.key}
            className={row.differs ? styles.differs : undefined}
            data-key={row.key}
            data-differs={row.differs ? "1" : "0"}
          >
            <th scope="row">{row.key}</th>
            {row.values.map((v, i) => (
              <td key={runs[i]!.id} className={best?.[row.key] === i ? styles.best : undefined}>
                {v ?? "—"}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Hyperparameters: every key of every run's config (name and notes left out: they head the columns). */
export function HyperparameterTable({ runs }: { runs: CompareRun[] }) {
  const rows = diffRows(
    runs.map((r) => flattenConfig(r.config)),
    ["name", "notes"],
  );
  return (
    <section className="card table-scroll">
      <h2>Hyperparameters</h2>
      <DiffTable runs={runs} rows={rows} testId="hyperparameter-table" />
      <p className="muted">Highlighted rows differ between the runs.</p>
    </section>
  );
}

function bestIndex(values: Array<number | null>, higher: boolean): number | null {
  let best: number | null = null;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return;
    if (best === null || (higher ? v > values[best]! : v < values[best]!)) best = i;
  });
  // Only worth marking when the runs differ.
  return best !== null && values.some((v) => v !== values[best!]) ? best : null;
}

/** Final metrics, the best value of each metric in bold. */
export function MetricsTable({ runs }: { runs: CompareRun[] }) {
  const last = (r: CompareRun) => r.epochs.at(-1);
  const metrics: Array<{ key: string; values: Array<number | null>; format: (v: number) => string; higher?: boolean }> =
    [
      { key: "test accuracy", values: runs.map((r) => r.testAccuracy), format: formatPercent, higher: true },
      { key: "test loss", values: runs.map((r) => r.testLoss), format: formatLoss, higher: false },
      { key: "best val_loss", values: runs.map((r) => r.bestValLoss), format: formatLoss, higher: false },
      {
        key: "last val_accuracy",
        values: runs.map((r) => last(r)?.valAccuracy ?? null),
        format: formatPercent,
        higher: true,
      },
      { key: "best epoch", values: runs.map((r) => r.bestEpoch), format: String },
      { key: "epochs recorded", values: runs.map((r) => r.epochs.length), format: String },
      { key: "parameters", values: runs.map((r) => r.paramCount), format: formatCount },
      { key: "test digits", values: runs.map((r) => r.testSize), format: formatCount },
      {
        key: "training time",
        values: runs.map((r) =>
          r.epochs.length ? r.epochs.reduce((s, e) => s + e.durationMs + e.evalMs + e.recordMs, 0) : null,
        ),
        format: formatDuration,
        higher: false,
      },
    ];
  const rows: DiffRow[] = [
    ...diffRows(
      runs.map((r) => ({
        status: r.status,
        architecture: r.architecture,
        backend: `${r.backend} ${r.backendVersion}`,
      })),
    ),
    ...metrics.map((m) => {
      const values = m.values.map((v) => (v === null ? null : m.format(v)));
      return { key: m.key, values, differs: values.some((v) => v !== values[0]) };
    }),
  ];
  const best = Object.fromEntries(
    metrics.filter((m) => m.higher !== undefined).map((m) => [m.key, bestIndex(m.values, m.higher!)]),
  );
  return (
    <section className="card table-scroll">
      <h2>Results</h2>
      <DiffTable runs={runs} rows={rows} testId="metrics-table" best={best} />
      <p className="muted">
        Bold: the best run on that metric. Test figures come from each run&apos;s restored best checkpoint on its own
        test digits.
      </p>
    </section>
  );
}

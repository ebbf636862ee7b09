// Parallel coordinates of a sweep's finished runs: one vertical axis per hyperparameter (points for optimizer and
// hidden widths, log for the learning rate) and for best val_loss and test accuracy, one line per run coloured by
// its test accuracy. d3 computes the scales and paths; React renders the SVG.
import { extent, format, interpolateViridis, scaleLinear, scaleLog, scalePoint, type ScaleContinuousNumeric } from "d3";
import type { SweepRunView } from "@/lib/core/sweep-table";

const WIDTH = 960;
const HEIGHT = 320;
const MARGIN = { top: 28, right: 60, bottom: 20, left: 60 };

type NumericKey = "learningRate" | "dropout" | "batchSize" | "seed" | "bestValLoss" | "testAccuracy";
type CategoricalKey = "hidden" | "optimizer";

interface Axis {
  key: NumericKey | CategoricalKey;
  label: string;
  /** y of a row on this axis, or null when it has no value there. */
  y: (row: SweepRunView) => number | null;
  ticks: Array<{ y: number; label: string }>;
}

const AXES: Array<{ key: NumericKey | CategoricalKey; label: string; kind: "log" | "linear" | "point" }> = [
  { key: "learningRate", label: "learning rate", kind: "log" },
  { key: "hidden", label: "hidden", kind: "point" },
  { key: "dropout", label: "dropout", kind: "linear" },
  { key: "optimizer", label: "optimizer", kind: "point" },
  { key: "batchSize", label: "batch", kind: "linear" },
  { key: "seed", label: "seed", kind: "linear" },
  { key: "bestValLoss", label: "best val_loss", kind: "linear" },
  { key: "testAccuracy", label: "test accuracy", kind: "linear" },
];

function numericAxis(
  key: NumericKey,
  label: string,
  log: boolean,
  rows: SweepRunView[],
  range: [number, number],
): Axis {
  const values = rows.map((r) => r[key]).filter((v): v is number => v !== null && (!log || v > 0));
  const [lo, hi] = extent(values) as [number, number] | [undefined, undefined];
  const domain: [number, number] = lo === undefined ? [0, 1] : [lo, hi!];
  const scale: ScaleContinuousNumeric<number, number> = log
    ? scaleLog().domain(domain).range(range)
    : scaleLinear().domain(domain).range(range);
  // A domain of one value maps it to the middle; its only tick is that value.
  const tickValues = domain[0] === domain[1] ? [domain[0]] : scale.ticks(log ? 3 : 4);
  // Plain figures ("0.003", "128"), not d3's SI prefixes ("3m") nor a degenerate domain's six decimals.
  const fmt = key === "testAccuracy" ? (v: number) => `${(v * 100).toFixed(1)}%` : format("~g");
  return {
    key,
    label,
    y: (row) => {
      const v = row[key];
      return v === null || (log && v <= 0) ? null : scale(v);
    },
    ticks: tickValues.map((v) => ({ y: scale(v), label: fmt(v) })),
  };
}

function pointAxis(key: CategoricalKey, label: string, rows: SweepRunView[], range: [number, number]): Axis {
  const values = [...new Set(rows.map((r) => r[key]).filter((v): v is string => v !== null))].sort((a, b) =>
    a.localeCompare(b, "en", { numeric: true }),
  );
  const scale = scalePoint<string>().domain(values).range(range).padding(0.5);
  return {
    key,
    label,
    y: (row) => (row[key] === null ? null : (scale(row[key]!) ?? null)),
    ticks: values.map((v) => ({ y: scale(v)!, label: v })),
  };
}

export function ParallelCoordinates({ rows }: { rows: SweepRunView[] }) {
  const range: [number, number] = [HEIGHT - MARGIN.bottom, MARGIN.top];
  const step = (WIDTH - MARGIN.left - MARGIN.right) / (AXES.length - 1);
  const axes = AXES.map((a, i) => ({
    x: MARGIN.left + i * step,
    ...(a.kind === "point"
      ? pointAxis(a.key as CategoricalKey, a.label, rows, range)
      : numericAxis(a.key as NumericKey, a.label, a.kind === "log", rows, range)),
  }));
  const accuracies = rows.map((r) => r.testAccuracy ?? 0);
  const colour = scaleLinear()
    .domain(Math.min(...accuracies) === Math.max(...accuracies) ? [0, 1] : (extent(accuracies) as [number, number]))
    .range([0.15, 0.9]);
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      role="img"
      aria-label="parallel coordinates: hyperparameters against best val_loss and test accuracy"
      data-testid="parallel-coordinates"
    >
      {rows.map((row) => {
        const points = axes.map((a) => [a.x, a.y(row)] as const).filter((p): p is [number, number] => p[1] !== null);
        const d = points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`).join("");
        return (
          <path
            key={row.jobId}
            d={d}
            fill="none"
            stroke={interpolateViridis(colour(row.testAccuracy ?? 0))}
            strokeWidth={2}
            strokeOpacity={0.85}
            data-testid="pc-line"
            data-run-id={row.runId ?? undefined}
          >
            <title>
              run #{row.runId}: test accuracy {((row.testAccuracy ?? 0) * 100).toFixed(2)}%, best val_loss{" "}
              {row.bestValLoss?.toFixed(4)}
            </title>
          </path>
        );
      })}
      {axes.map((a) => (
        <g key={a.key} data-testid={`pc-axis-${a.key}`}>
          <line
            x1={a.x}
            x2={a.x}
            y1={MARGIN.top}
            y2={HEIGHT - MARGIN.bottom}
            stroke="currentColor"
            strokeOpacity={0.5}
          />
          <text x={a.x} y={MARGIN.top - 12} textAnchor="middle" fontSize={12} fill="currentColor">
            {a.label}
          </text>
          {a.ticks.map((t) => (
            <text key={`${t.label}-${t.y}`} x={a.x - 5} y={t.y + 4} textAnchor="end" fontSize={10} fill="currentColor">
              {t.label}
            </text>
          ))}
        </g>
      ))}
    </svg>
  );
}

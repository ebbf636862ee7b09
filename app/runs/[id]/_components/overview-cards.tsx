// Cards of the run overview: live progress, headline metrics, per-epoch log, model summary, hyperparameters.
import type { RunEpochRow } from "@/lib/db/run-pages";
import type { ModelSummary } from "@/lib/core/run-columns";
import type { TrainConfig } from "@/lib/core/train-config";
import { formatDuration, type Progress } from "@/lib/chart/progress";
import { formatCount, formatLoss, formatPercent } from "@/lib/chart/ticks";

function num(x: number | null | undefined, fmt: (v: number) => string): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "—" : fmt(x);
}

export function ProgressCard(props: {
  progress: Progress;
  epochsDone: number;
  epochsPlanned: number;
  batch: number;
  batches: number;
}) {
  const { progress } = props;
  const current = Math.min(props.epochsDone + 1, props.epochsPlanned);
  return (
    <section className="card" data-testid="progress-card">
      <div className="progress-text">
        <span>
          Training epoch {current} of {props.epochsPlanned}
          {props.batches ? ` · batch ${props.batch}/${props.batches}` : ""}
        </span>
        <span data-testid="eta">
          {progress.etaMs === null ? "estimating time left…" : `about ${formatDuration(progress.etaMs)} left`}
        </span>
      </div>
      <div
        className="progress progress-large"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(progress.fraction * 100)}
      >
        <div style={{ width: `${(progress.fraction * 100).toFixed(1)}%` }} />
      </div>
    </section>
  );
}

interface MetricsProps {
  baseline: { loss: number | null; accuracy: number | null };
  last: RunEpochRow | undefined;
  best: RunEpochRow | undefined;
  test: { loss: number | null; accuracy: number | null; size: number };
}

export function MetricsCard({ baseline, last, best, test }: MetricsProps) {
  const rows = [
    { key: "baseline", label: "Untrained network (test set)", loss: baseline.loss, acc: baseline.accuracy },
    {
      key: "last-val",
      label: last ? `Last epoch (${last.epoch}), validation` : "Last epoch, validation",
      loss: last?.valLoss,
      acc: last?.valAccuracy,
    },
    {
      key: "best-val",
      label: best ? `Best epoch (${best.epoch}), validation — kept` : "Best epoch, validation",
      loss: best?.valLoss,
      acc: best?.valAccuracy,
    },
    {
      key: "test",
      label: `Restored checkpoint, test set (${formatCount(test.size)} digits)`,
      loss: test.loss,
      acc: test.accuracy,
    },
  ];
  return (
    <section className="card table-scroll">
      <h2>Results</h2>
      <table className="data" data-testid="metrics-table">
        <thead>
          <tr>
            <th />
            <th className="num">loss</th>
            <th className="num">accuracy</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-metric={r.key} className={r.key === "test" ? "row-strong" : undefined}>
              <td>{r.label}</td>
              <td className="num" data-testid={`${r.key}-loss`}>
                {num(r.loss, formatLoss)}
              </td>
              <td className="num" data-testid={`${r.key}-accuracy`}>
                {num(r.acc, formatPercent)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {test.loss === null ? (
        <p className="muted">The test figures appear when training finishes and the best checkpoint is restored.</p>
      ) : null}
    </section>
  );
}

export function EpochTable({ epochs, bestEpoch }: { epochs: RunEpochRow[]; bestEpoch: number | null }) {
  return (
    <section className="card table-scroll">
      <h2>Epochs</h2>
      <table className="data" data-testid="epoch-table">
        <thead>
          <tr>
            <th className="num">epoch</th>
            <th className="num">loss</th>
            <th className="num">accuracy</th>
            <th className="num">val_loss</th>
            <th className="num">val_accuracy</th>
            <th className="num">test accuracy</th>
            <th className="num">time</th>
          </tr>
        </thead>
        <tbody>
          {epochs.map((e) => (
            <tr key={e.epoch} data-epoch={e.epoch} className={e.epoch === bestEpoch ? "row-best" : undefined}>
              <td className="num">
                {e.epoch}
                {e.epoch === bestEpoch ? " ★" : ""}
              </td>
              <td className="num">{formatLoss(e.loss)}</td>
              <td className="num">{formatPercent(e.accuracy)}</td>
              <td className="num">{formatLoss(e.valLoss)}</td>
              <td className="num">{formatPercent(e.valAccuracy)}</td>
              <td className="num">{num(e.testAccuracy, formatPercent)}</td>
              <td className="num">{formatDuration(e.durationMs + e.evalMs + e.recordMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function SummaryTable({ summary, total }: { summary: ModelSummary; total: number }) {
  return (
    <table className="data" data-testid="summary-table">
      <thead>
        <tr>
          <th>layer</th>
          <th>type</th>
          <th>output shape</th>
          <th className="num">params</th>
        </tr>
      </thead>
      <tbody>
        {summary.map((l) => (
          <tr key={l.name}>
            <td>{l.name}</td>
            <td>{l.type}</td>
            <td className="nowrap">(None, {l.outputShape.join(", ")})</td>
            <td className="num">{formatCount(l.params)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th colSpan={3}>Total params</th>
          <th className="num" data-testid="summary-total">
            {formatCount(total)}
          </th>
        </tr>
      </tfoot>
    </table>
  );
}

interface HyperProps {
  config: TrainConfig | null;
  run: {
    backend: string;
    backendVersion: string;
    trainSize: number;
    valSize: number;
    testSize: number;
    probeSize: number;
    probeSeed: number;
  };
  timing: { created: Date; started: Date | null; finished: Date | null };
}

function when(d: Date | null): string {
  return d ? d.toISOString().slice(0, 19).replace("T", " ") + " UTC" : "—";
}

export function HyperparametersCard({ config, run, timing }: HyperProps) {
  const arch = config?.architecture;
  const items: Array<[string, string]> = [
    ["backend", `${run.backend} (${run.backendVersion})`],
    [
      "architecture",
      arch
        ? arch.kind === "mlp"
          ? `MLP, hidden ${arch.hidden.join("-")}, dropout ${arch.dropout}`
          : `CNN, filters ${arch.filters.join("/")}, dense ${arch.dense}, dropout ${arch.dropout}`
        : "—",
    ],
    [
      "optimizer",
      config
        ? `${config.optimizer.name}, lr ${config.optimizer.learningRate}${config.optimizer.name === "rmsprop" ? `, rho ${config.optimizer.rho}` : config.optimizer.name === "sgd" ? `, momentum ${config.optimizer.momentum}` : ""}`
        : "—",
    ],
    ["batch size", config ? String(config.batchSize) : "—"],
    ["epochs", config ? String(config.epochs) : "—"],
    [
      "digits",
      `${formatCount(run.trainSize)} train · ${formatCount(run.valSize)} validation · ${formatCount(run.testSize)} test`,
    ],
    ["validation split", config ? `${config.validationSplit} (last part of the training subset)` : "—"],
    ["shuffle · seed", config ? `${config.shuffle ? "yes" : "no"} · ${config.seed}` : "—"],
    ["probe set", `${formatCount(run.probeSize)} test digits (seed ${run.probeSeed})`],
    ["created", when(timing.created)],
    ["started", when(timing.started)],
    ["finished", when(timing.finished)],
    [
      "duration",
      timing.started && timing.finished ? formatDuration(timing.finished.getTime() - timing.started.getTime()) : "—",
    ],
  ];
  return (
    <section className="card">
      <h2>Hyperparameters and backend</h2>
      <dl className="facts" data-testid="hyperparameters">
        {items.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

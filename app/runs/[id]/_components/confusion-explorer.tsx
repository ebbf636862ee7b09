"use client";
// Confusion heatmap with counts or row-normalised rates, an epoch slider, per-class scores; state mirrored in the URL.
import Link from "next/link";
import { useMemo, useState } from "react";
import { ClassGrid } from "@/app/_components/class-grid";
import { cellLabel, layoutConfusion } from "@/lib/chart/confusion";
import { confusionQuery, galleryQuery, type ConfusionView } from "@/lib/core/view-state";
import type { ClassScores } from "@/lib/numeric/metrics/classification";
import { NUM_CLASSES } from "@/lib/core/constants";

export interface ConfusionMatrixData {
  /** null = the restored checkpoint's final test matrix. */
  epoch: number | null;
  counts: number[];
  scores: ClassScores[];
}

interface Props {
  runId: number;
  matrices: ConfusionMatrixData[];
  bestEpoch: number | null;
  initial: ConfusionView;
  /** Whether the misclassified gallery exists (the run finished). */
  galleryReady: boolean;
}

const pct = (x: number) => (x * 100).toFixed(1);

export function ConfusionExplorer({ runId, matrices, bestEpoch, initial, galleryReady }: Props) {
  const [view, setView] = useState<ConfusionView>(initial);
  const epochs = matrices.filter((m) => m.epoch !== null).map((m) => m.epoch!);
  const hasFinal = matrices.some((m) => m.epoch === null);
  const shown =
    matrices.find((m) => m.epoch === view.epoch) ?? matrices.find((m) => m.epoch === null) ?? matrices.at(-1);
  const layout = useMemo(
    () => (shown ? layoutConfusion(shown.counts, view.normalised) : null),
    [shown, view.normalised],
  );

  function update(next: ConfusionView) {
    setView(next);
    window.history.replaceState(null, "", `${window.location.pathname}${confusionQuery(next)}`);
  }

  if (!shown || !layout)
    return <p className="card">No confusion matrix yet: the first one is recorded when epoch 1 finishes.</p>;
  const sliderEpoch = shown.epoch ?? bestEpoch ?? epochs.at(-1) ?? 1;
  const macro = (k: "precision" | "recall" | "f1") => shown.scores.reduce((a, s) => a + s[k], 0) / shown.scores.length;

  return (
    <>
      <section className="card controls" data-testid="confusion-controls">
        <label className="slider">
          <span>
            {shown.epoch === null ? (
              <>Restored checkpoint{bestEpoch ? ` (epoch ${bestEpoch})` : ""}, test set</>
            ) : (
              <>
                After epoch {shown.epoch} of {epochs.length}, test set
              </>
            )}
          </span>
          <input
            type="range"
            min={epochs[0] ?? 1}
            max={epochs.at(-1) ?? 1}
            step={1}
            value={sliderEpoch}
            disabled={epochs.length < 2}
            onChange={(e) => update({ ...view, epoch: Number(e.target.value) })}
            aria-label="epoch"
            data-testid="epoch-slider"
          />
        </label>
        {hasFinal ? (
          <button
            type="button"
            onClick={() => update({ ...view, epoch: null })}
            disabled={view.epoch === null}
            data-testid="show-final"
          >
            Final model
          </button>
        ) : null}
        <label className="toggle">
          <input
            type="checkbox"
            checked={view.normalised}
            onChange={(e) => update({ ...view, normalised: e.target.checked })}
            data-testid="normalise"
          />
          row-normalised (% of each true class)
        </label>
      </section>
      <section className="card">
        <p className="muted">
          {layout.correct.toLocaleString("en-US")} of {layout.total.toLocaleString("en-US")} correct (
          {pct(layout.correct / Math.max(1, layout.total))}%).
          {galleryReady ? " Click a cell off the diagonal to see those digits (the final model's mistakes)." : ""}
        </p>
        <ClassGrid
          label="confusion matrix"
          testId="confusion-matrix"
          epoch={shown.epoch ?? "final"}
          renderCell={(t, p) => {
            const cell = layout.cells[t * NUM_CLASSES + p]!;
            const title = `true ${t}, predicted ${p}: ${cell.count} digit${cell.count === 1 ? "" : "s"} (${pct(cell.rate)}% of true ${t})`;
            const attrs = {
              className: `cm-cell${t === p ? " cm-diag" : ""}`,
              style: { background: cell.fill, color: cell.textFill },
              title,
              role: "gridcell",
              "data-testid": "cm-cell",
              "data-true": t,
              "data-pred": p,
              "data-count": cell.count,
            };
            return galleryReady && t !== p && cell.count > 0 ? (
              <Link key={p} href={`/runs/${runId}/errors${galleryQuery({ trueLabel: t, predicted: p })}`} {...attrs}>
                {cellLabel(cell, view.normalised)}
              </Link>
            ) : (
              <div key={p} {...attrs}>
                {cellLabel(cell, view.normalised)}
              </div>
            );
          }}
        />
      </section>
      <section className="card table-scroll">
        <h2>Per-class precision, recall and F1</h2>
        <table className="data" data-testid="class-scores">
          <thead>
            <tr>
              <th>class</th>
              <th className="num">precision</th>
              <th className="num">recall</th>
              <th className="num">F1</th>
              <th className="num">support</th>
            </tr>
          </thead>
          <tbody>
            {shown.scores.map((s, c) => (
              <tr key={c} data-class={c}>
                <td>{c}</td>
                <td className="num">{pct(s.precision)}%</td>
                <td className="num">{pct(s.recall)}%</td>
                <td className="num">{pct(s.f1)}%</td>
                <td className="num">{s.support}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th>macro avg</th>
              <th className="num">{pct(macro("precision"))}%</th>
              <th className="num">{pct(macro("recall"))}%</th>
              <th className="num">{pct(macro("f1"))}%</th>
              <th className="num">{layout.total}</th>
            </tr>
          </tfoot>
        </table>
      </section>
    </>
  );
}

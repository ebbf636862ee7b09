"use client";
// The in-page digit inspector a click opens: the digit large, its labels and probabilities for the frame shown, its nearest
// neighbours in the original space, and the way to the full inspector page. Esc or × closes it.
import Link from "next/link";
import { useEffect, useId, useRef } from "react";
import { CLASS_COLOURS } from "@/lib/chart/scatter";
import { probabilitiesFor, type FrameInfo, type Subset } from "@/lib/chart/scatter-view";
import { formatPercent } from "@/lib/chart/ticks";
import { verdict, type DigitLabels } from "./digit-panels";
import { DigitThumb } from "./digit-thumb";
import { useDigitProbabilities, type NeighbourList } from "./use-explorer-data";

interface Props extends DigitLabels {
  row: number;
  subset: Subset;
  /** The frame on screen: its epoch decides which probabilities go with the colours. */
  frame: FrameInfo | undefined;
  /** Where the predicted labels come from, e.g. "after epoch 2" or "final model"; null when there are none. */
  predictionSource: string | null;
  /** What the distances are measured in, e.g. "dense_3 activations after epoch 2". */
  space: string;
  neighbours: { data: NeighbourList | null; error: string | null };
  /** Inspect another row (a neighbour), or close with null. */
  onInspect(row: number | null): void;
}

export function InspectorPanel(props: Props) {
  const {
    runId,
    row,
    labels,
    predicted,
    pixels,
    indexOf,
    subset,
    frame,
    predictionSource,
    space,
    neighbours,
    onInspect,
  } = props;
  const index = indexOf(row);
  const t = labels[row]!;
  const p = predicted ? predicted[row]! : null;
  const probabilities = useDigitProbabilities(runId, index);
  const shown = probabilities.data ? probabilitiesFor(probabilities.data, subset, frame) : null;
  const list = neighbours.data?.row === row ? neighbours.data.neighbours : null;
  const agree = list ? list.filter((n) => labels[n.row] === t).length : 0;
  const titleId = useId();
  const panel = useRef<HTMLElement>(null);
  const close = useRef(onInspect);
  useEffect(() => {
    close.current = onInspect;
  });

  // Keyboard users land in the panel (its link, neighbours and close button come next in tab order); no scroll jump.
  useEffect(() => {
    panel.current?.focus({ preventScroll: true });
  }, [row]);
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      if (ev.key === "Escape" && !ev.defaultPrevented) close.current(null);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const href = `/runs/${runId}/digits/${index}`;
  return (
    <section
      ref={panel}
      tabIndex={-1}
      className="card pinned inspector"
      data-testid="inspector"
      data-row={row}
      data-index={index}
      aria-labelledby={titleId}
    >
      <div className="pinned-head">
        <DigitThumb pixels={pixels} row={row} label={`test digit ${index}`} className="digit-large" />
        <div>
          <h2 id={titleId}>Test digit #{index}</h2>
          <p className={p !== null && p !== t ? "wrong" : undefined} data-testid="inspector-verdict">
            {verdict(t, p)}
            {shown && p !== null ? ` (${formatPercent(shown.probs[p] ?? 0)})` : ""}
          </p>
          {predictionSource ? <p className="muted small">prediction {predictionSource}</p> : null}
        </div>
        <button
          type="button"
          className="close"
          onClick={() => onInspect(null)}
          aria-label="close the inspector (Esc)"
          title="close (Esc)"
        >
          ×
        </button>
      </div>
      <Link href={href} className="inspector-open" data-testid="inspect-link">
        Open full inspector →
      </Link>
      <h3>Predicted probabilities</h3>
      {shown ? (
        <ProbabilityList probs={shown.probs} trueLabel={t} source={shown.source} />
      ) : (
        <p className="muted small">
          {probabilities.error ?? (probabilities.data ? "none recorded for this frame" : "loading…")}
        </p>
      )}
      <h3>Nearest neighbours in the original space</h3>
      <p className="muted small">Euclidean, in the {space}; not in the picture. Click one to inspect it here.</p>
      {neighbours.error ? <p className="callout callout-bad">{neighbours.error}</p> : null}
      {list ? (
        <>
          <p className="small" data-testid="neighbour-agreement">
            {agree} of {list.length} share its true label {t}.
          </p>
          <ol className="thumb-list" data-testid="neighbours">
            {list.map((n) => (
              <li key={n.row} data-row={n.row} data-index={indexOf(n.row)}>
                <button
                  type="button"
                  onClick={() => onInspect(n.row)}
                  title={`inspect #${indexOf(n.row)}: ${verdict(labels[n.row]!, predicted ? predicted[n.row]! : null)}, distance ${n.distance.toFixed(2)}`}
                >
                  <DigitThumb pixels={pixels} row={n.row} label={`test digit ${indexOf(n.row)}`} />
                  <span style={{ color: CLASS_COLOURS[labels[n.row]!] }}>{labels[n.row]}</span>
                  <span className="muted">{n.distance.toFixed(1)}</span>
                </button>
              </li>
            ))}
          </ol>
        </>
      ) : neighbours.error ? null : (
        <p className="muted small">computing…</p>
      )}
    </section>
  );
}

/** The 10 class probabilities as bars: the true class in green, a wrong argmax in red. */
function ProbabilityList({ probs, trueLabel, source }: { probs: number[]; trueLabel: number; source: string }) {
  const argmax = probs.indexOf(Math.max(...probs));
  return (
    <>
      <ol
        className="prob-list"
        data-testid="inspector-probs"
        data-source={source}
        aria-label={`predicted probabilities, ${source}`}
      >
        {probs.map((q, c) => (
          <li
            key={c}
            data-class={c}
            data-prob={q}
            className={c === trueLabel ? "prob-true" : c === argmax ? "prob-wrong" : undefined}
          >
            <span>{c}</span>
            <span className="prob-track">
              <span style={{ width: `${Math.max(0, Math.min(1, q)) * 100}%` }} />
            </span>
            <span className="num">{formatPercent(q)}</span>
          </li>
        ))}
      </ol>
      <p className="muted small">{source}; green: the true class, red: a wrong prediction.</p>
    </>
  );
}

"use client";
// The box selection's side panel (its digits and class counts), and the label helpers the inspector panel shares.
import Link from "next/link";
import { CLASS_COLOURS, classCounts } from "@/lib/chart/scatter";
import { DigitThumb } from "./digit-thumb";

export interface DigitLabels {
  runId: number;
  labels: Uint8Array;
  predicted: Uint8Array | null;
  pixels: Uint8Array | null;
  indexOf(row: number): number;
}

/** A digit's labels: "true 4 · predicted 9 ✗", or "true 4" when no prediction is known. */
export function verdict(t: number, p: number | null): string {
  return p === null ? `true ${t}` : `true ${t} · predicted ${p}${p === t ? " ✓" : " ✗"}`;
}

/** Thumbnails listed at most: a few hundred canvases keep the panel light; the counts cover every selected digit. */
const MAX_THUMBS = 150;

export function SelectionPanel({
  runId,
  rows,
  labels,
  predicted,
  pixels,
  indexOf,
  onClear,
}: DigitLabels & { rows: readonly number[]; onClear(): void }) {
  const counts = classCounts(labels, rows);
  const wrong = predicted ? rows.filter((r) => predicted[r] !== labels[r]).length : null;
  const max = Math.max(1, ...counts);
  return (
    <section className="card selection" data-testid="selection" data-count={rows.length}>
      <div className="pinned-head">
        <h2>
          {rows.length.toLocaleString("en-US")} selected
          {wrong !== null ? `, ${wrong.toLocaleString("en-US")} misclassified` : ""}
        </h2>
        <button type="button" className="close" onClick={onClear} aria-label="clear the selection">
          ×
        </button>
      </div>
      <table className="data class-bars" data-testid="selection-counts">
        <tbody>
          {counts.map((c, k) =>
            c > 0 ? (
              <tr key={k} data-class={k}>
                <td style={{ color: CLASS_COLOURS[k] }}>{k}</td>
                <td className="num">{c}</td>
                <td className="bar-col">
                  <div className="count-bar" style={{ width: `${(c / max) * 100}%`, background: CLASS_COLOURS[k] }} />
                </td>
              </tr>
            ) : null,
          )}
        </tbody>
      </table>
      <ul className="thumb-list">
        {rows.slice(0, MAX_THUMBS).map((r) => (
          <li key={r}>
            <Link
              href={`/runs/${runId}/digits/${indexOf(r)}`}
              title={`#${indexOf(r)}: ${verdict(labels[r]!, predicted ? predicted[r]! : null)}`}
            >
              <DigitThumb pixels={pixels} row={r} label={`test digit ${indexOf(r)}`} />
              <span style={{ color: CLASS_COLOURS[labels[r]!] }}>{labels[r]}</span>
              {predicted && predicted[r] !== labels[r] ? <span className="pred-label">→{predicted[r]}</span> : null}
            </Link>
          </li>
        ))}
      </ul>
      {rows.length > MAX_THUMBS ? (
        <p className="muted small">
          First {MAX_THUMBS} of {rows.length.toLocaleString("en-US")} shown; zoom in to select fewer.
        </p>
      ) : null}
    </section>
  );
}

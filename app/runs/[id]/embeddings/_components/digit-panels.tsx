"use client";
// Side panels: the pinned digit with its nearest neighbours in the original space, and the box selection's digits and counts.
import Link from "next/link";
import { CLASS_COLOURS, classCounts } from "@/lib/chart/scatter";
import { DigitThumb } from "./digit-thumb";
import type { NeighbourList } from "./use-explorer-data";

interface Labels {
  runId: number;
  labels: Uint8Array;
  predicted: Uint8Array | null;
  pixels: Uint8Array | null;
  indexOf(row: number): number;
}

interface PinnedProps extends Labels {
  row: number;
  /** What the distances are measured in, e.g. "dense_3 activations after epoch 2". */
  space: string;
  neighbours: { data: NeighbourList | null; error: string | null };
  onPin(row: number | null): void;
}

function verdict(t: number, p: number | null): string {
  return p === null ? `true ${t}` : `true ${t} · predicted ${p}${p === t ? " ✓" : " ✗"}`;
}

export function PinnedPanel({ runId, row, labels, predicted, pixels, indexOf, space, neighbours, onPin }: PinnedProps) {
  const t = labels[row]!;
  const p = predicted ? predicted[row]! : null;
  const list = neighbours.data?.row === row ? neighbours.data.neighbours : null;
  const agree = list ? list.filter((n) => labels[n.row] === t).length : 0;
  return (
    <section className="card pinned" data-testid="pinned" data-row={row} data-index={indexOf(row)}>
      <div className="pinned-head">
        <DigitThumb pixels={pixels} row={row} label={`test digit ${indexOf(row)}`} />
        <div>
          <h2>Test digit #{indexOf(row)}</h2>
          <p className={p !== null && p !== t ? "wrong" : undefined}>{verdict(t, p)}</p>
          <Link href={`/runs/${runId}/digits/${indexOf(row)}`} data-testid="inspect-link">
            open in the digit inspector →
          </Link>
        </div>
        <button type="button" className="close" onClick={() => onPin(null)} aria-label="unpin">
          ×
        </button>
      </div>
      <h3>Nearest neighbours in the original space</h3>
      <p className="muted small">Euclidean, in the {space}; not in the picture.</p>
      {neighbours.error ? <p className="callout callout-bad">{neighbours.error}</p> : null}
      {list ? (
        <>
          <p className="small" data-testid="neighbour-agreement">
            {agree} of {list.length} share its true label {t}.
          </p>
          <ol className="thumb-list" data-testid="neighbours">
            {list.map((n) => (
              <li key={n.row} data-row={n.row} data-index={indexOf(n.row)}>
                <button type="button" onClick={() => onPin(n.row)} title={`pin #${indexOf(n.row)}: ${verdict(labels[n.row]!, predicted ? predicted[n.row]! : null)}, distance ${n.distance.toFixed(2)}`}>
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

/** Thumbnails listed at most: a few hundred canvases keep the panel light; the counts cover every selected digit. */
const MAX_THUMBS = 150;

export function SelectionPanel({ runId, rows, labels, predicted, pixels, indexOf, onClear }: Labels & { rows: readonly number[]; onClear(): void }) {
  const counts = classCounts(labels, rows);
  const wrong = predicted ? rows.filter((r) => predicted[r] !== labels[r]).length : null;
  const max = Math.max(1, ...counts);
  return (
    <section className="card selection" data-testid="selection" data-count={rows.length}>
      <div className="pinned-head">
        <h2>
          {rows.length.toLocaleString("en-US")} selected{wrong !== null ? `, ${wrong.toLocaleString("en-US")} misclassified` : ""}
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
            <Link href={`/runs/${runId}/digits/${indexOf(r)}`} title={`#${indexOf(r)}: ${verdict(labels[r]!, predicted ? predicted[r]! : null)}`}>
              <DigitThumb pixels={pixels} row={r} label={`test digit ${indexOf(r)}`} />
              <span style={{ color: CLASS_COLOURS[labels[r]!] }}>{labels[r]}</span>
              {predicted && predicted[r] !== labels[r] ? <span className="pred-label">→{predicted[r]}</span> : null}
            </Link>
          </li>
        ))}
      </ul>
      {rows.length > MAX_THUMBS ? <p className="muted small">First {MAX_THUMBS} of {rows.length.toLocaleString("en-US")} shown; zoom in to select fewer.</p> : null}
    </section>
  );
}

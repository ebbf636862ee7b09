// The frame of a 10 × 10 true-by-predicted grid (axis titles, class heads, rows); the caller draws each cell.
import type { ReactNode } from "react";
import { NUM_CLASSES } from "@/lib/core/constants";

const CLASSES = Array.from({ length: NUM_CLASSES }, (_, i) => i);

export function ClassGrid({
  label,
  testId,
  epoch,
  renderCell,
}: {
  label: string;
  testId: string;
  /** data-epoch of the grid, for pages that show one epoch at a time. */
  epoch?: number | "final";
  /** The cell for true class t and predicted class p (keyed by p). */
  renderCell: (t: number, p: number) => ReactNode;
}) {
  return (
    <div className="cm-wrap">
      <div className="cm-axis-x">predicted →</div>
      <div className="cm" role="grid" aria-label={label} data-testid={testId} data-epoch={epoch}>
        <div className="cm-corner">true ↓</div>
        {CLASSES.map((p) => (
          <div key={`h${p}`} className="cm-head">
            {p}
          </div>
        ))}
        {CLASSES.map((t) => (
          <div key={`r${t}`} className="cm-row" role="row">
            <div className="cm-head">{t}</div>
            {CLASSES.map((p) => renderCell(t, p))}
          </div>
        ))}
      </div>
    </div>
  );
}

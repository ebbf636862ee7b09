"use client";
// The legend is the class filter: one checkbox per digit in its colour, with visible/total counts.
import { CLASS_COLOURS } from "@/lib/chart/scatter";

interface Props {
  classes: number;
  /** Points per class in the layout, [10]. */
  totals: number[];
  visibleCount: number;
  mistakesShown: boolean;
  onChange(mask: number): void;
}

export function ClassLegend({ classes, totals, visibleCount, mistakesShown, onChange }: Props) {
  const total = totals.reduce((a, b) => a + b, 0);
  return (
    <fieldset className="class-legend" data-testid="class-legend">
      <legend>
        <strong data-testid="visible-count">{visibleCount.toLocaleString("en-US")}</strong> of{" "}
        {total.toLocaleString("en-US")} digits shown
        {mistakesShown ? (
          <span className="mistake-key">
            {" "}
            · <span className="ring-swatch" aria-hidden="true" /> ring = misclassified
          </span>
        ) : null}
      </legend>
      {totals.map((count, c) => (
        <label key={c} className="class-check" data-class={c}>
          <input
            type="checkbox"
            checked={Boolean((classes >> c) & 1)}
            onChange={(e) => onChange(e.target.checked ? classes | (1 << c) : classes & ~(1 << c))}
            data-testid={`class-${c}`}
          />
          <span className="swatch" style={{ background: CLASS_COLOURS[c] }} aria-hidden="true" />
          {c}
          <span className="muted">{count.toLocaleString("en-US")}</span>
        </label>
      ))}
      <span className="legend-actions">
        <button type="button" onClick={() => onChange(0x3ff)} data-testid="classes-all">
          all
        </button>
        <button type="button" onClick={() => onChange(0)} data-testid="classes-none">
          none
        </button>
      </span>
    </fieldset>
  );
}

"use client";
// Picks the run a pair page shows: a plain GET form (works without JavaScript) that submits itself on change.
import styles from "./pairs.module.css";

export interface PickerRun {
  id: number;
  label: string;
}

interface Props {
  runs: PickerRun[];
  current: number | null;
  /** The page the form submits to, e.g. "/pairs" or "/pairs/4-9". */
  action: string;
  /** Other query values kept when the run changes (e.g. the separation metric). */
  keep?: Record<string, string>;
}

export function RunPicker({ runs, current, action, keep = {} }: Props) {
  return (
    <form className={styles.picker} action={action} method="get" data-testid="run-picker">
      <label>
        Run{" "}
        <select
          name="run"
          defaultValue={current ?? undefined}
          onChange={(e) => e.currentTarget.form?.requestSubmit()}
          aria-label="run"
        >
          {runs.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      {Object.entries(keep).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <noscript>
        <button type="submit">Show</button>
      </noscript>
    </form>
  );
}

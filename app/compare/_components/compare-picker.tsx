// Picks the runs to compare: a plain GET form of checkboxes (`runs=` repeated), the current ones ticked.
import { MAX_COMPARED_RUNS } from "@/lib/chart/pair-view";
import styles from "./compare.module.css";

export interface CompareCandidate {
  id: number;
  label: string;
}

export function ComparePicker({ runs, selected }: { runs: CompareCandidate[]; selected: number[] }) {
  // The form submits ticked boxes in page order: the current runs first, in their order, keep A first.
  const ordered = [
    ...selected.flatMap((id) => runs.filter((r) => r.id === id)),
    ...runs.filter((r) => !selected.includes(r.id)),
  ];
  return (
    <form action="/compare" method="get" data-testid="compare-picker">
      <fieldset className={styles.picker}>
        <legend>Runs to compare (2 to {MAX_COMPARED_RUNS}; the first is A)</legend>
        {ordered.map((r) => (
          <label key={r.id}>
            <input type="checkbox" name="runs" value={r.id} defaultChecked={selected.includes(r.id)} />
            {r.label}
          </label>
        ))}
      </fieldset>
      <button type="submit">Compare</button>
    </form>
  );
}

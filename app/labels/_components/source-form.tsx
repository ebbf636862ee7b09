// The /labels page's choices as a plain GET form, so every choice lands in the URL: source (one run, the consensus of
// the ticked runs, cross-validation of the training set), ranking, and the given / suggested class filters.
import type { LabelsView } from "@/lib/core/labels-view";

export interface RunChoice {
  id: number;
  name: string;
  architecture: string;
  testAccuracy: number | null;
}

const CLASSES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

export function SourceForm({ view, runs, hasCrossval }: { view: LabelsView; runs: RunChoice[]; hasCrossval: boolean }) {
  const s = view.source;
  const single = s.kind === "run" ? s.runId : runs.at(-1)?.id;
  const ticked = new Set(s.kind === "consensus" ? s.runIds : []);
  const label = (r: RunChoice) =>
    `#${r.id} ${r.name} (${r.architecture}${r.testAccuracy !== null ? `, ${(r.testAccuracy * 100).toFixed(2)}%` : ""})`;
  return (
    <form method="get" action="/labels" className="card" data-testid="labels-form">
      <fieldset>
        <legend>Probabilities from</legend>
        <label>
          <input type="radio" name="source" value="run" defaultChecked={s.kind === "run" || s.kind === "none"} /> one
          run&apos;s restored checkpoint on the test set:{" "}
          <select name="run" defaultValue={single} aria-label="run">
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {label(r)}
              </option>
            ))}
          </select>
        </label>
        <div>
          <label>
            <input type="radio" name="source" value="consensus" defaultChecked={s.kind === "consensus"} /> the mean of
            the runs ticked (consensus):
          </label>
          <ul className="pairs">
            {runs.map((r) => (
              <li key={r.id} className="chip">
                <label>
                  <input type="checkbox" name="runs" value={r.id} defaultChecked={ticked.has(r.id)} /> {label(r)}
                </label>
              </li>
            ))}
          </ul>
        </div>
        <label>
          <input
            type="radio"
            name="source"
            value="crossval"
            defaultChecked={s.kind === "crossval"}
            disabled={!hasCrossval}
          />{" "}
          cross-validation of the training set{hasCrossval ? "" : " (none yet: npm run crossval -- --folds 4)"}
        </label>
      </fieldset>
      <p className="pairs">
        <label>
          ranking{" "}
          <select name="rank" defaultValue={view.ranking}>
            <option value="self-confidence">self-confidence p(given)</option>
            <option value="normalized-margin">normalised margin p(given) − max other</option>
          </select>
        </label>
        <label>
          given{" "}
          <select name="given" defaultValue={view.given ?? ""}>
            <option value="">any</option>
            {CLASSES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          suggested{" "}
          <select name="suggested" defaultValue={view.suggested ?? ""}>
            <option value="">any</option>
            {CLASSES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">show</button>
      </p>
    </form>
  );
}

// What the pair pages show without a finished run to analyse: no run yet, or the chosen run has not finished.
import Link from "next/link";
import type { PairRun } from "@/lib/features/pairs/pair-details";
import { formatPercent } from "@/lib/chart/ticks";
import { RunPicker, type PickerRun } from "./run-picker";

/** "#3 seed MLP · 97.12%" for pickers and headings. */
export function runLabel(run: Pick<PairRun, "id" | "name" | "testAccuracy">): string {
  return `#${run.id} ${run.name}${run.testAccuracy === null ? "" : ` · ${formatPercent(run.testAccuracy)}`}`;
}

export function pickerRuns(runs: readonly PairRun[]): PickerRun[] {
  return runs.map((r) => ({ id: r.id, label: runLabel(r) }));
}

export function NoFinishedRun() {
  return (
    <section className="card" data-testid="no-finished-run">
      <p>No run has finished yet: confusable pairs are computed from a finished run&apos;s test predictions.</p>
      <p className="muted">
        Train one with <code>npm run train</code> (or queue one on the <Link href="/admin">admin page</Link>); it
        appears here when it succeeds.
      </p>
    </section>
  );
}

export function UnfinishedRun(props: { id: number; name: string; status: string; runs: PairRun[]; action: string }) {
  return (
    <section className="card" data-testid="run-unfinished">
      <p>
        Run{" "}
        <Link href={`/runs/${props.id}`}>
          #{props.id} {props.name}
        </Link>{" "}
        is {props.status}: the pair figures need the final test predictions of a succeeded run.
      </p>
      {props.runs.length ? <RunPicker runs={pickerRuns(props.runs)} current={null} action={props.action} /> : null}
    </section>
  );
}

/** A pair page of a run still training: what waits for the end, and what is shown meanwhile. */
export function TrainingRun(props: { id: number; name: string; a: number; b: number; progress: string | null }) {
  return (
    <section className="card" data-testid="run-training">
      <p>
        Run{" "}
        <Link href={`/runs/${props.id}`}>
          #{props.id} {props.name}
        </Link>{" "}
        is training{props.progress ? ` (${props.progress})` : ""}: the confusion counts, galleries and mean images need
        its final test predictions. How {props.a} and {props.b} separate in each layer is below, one epoch at a time, as
        the job stores it.
      </p>
    </section>
  );
}

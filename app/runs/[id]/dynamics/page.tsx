// Training dynamics of a run: the data map (confidence against variability of every training digit, Swayamdipta et
// al. 2020) with its named regions, and the digits forgotten most often (Toneva et al. 2019).
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { fetchDataMapSummary } from "@/lib/features/dynamics/data-map";
import { parseRunId } from "@/lib/core/view-state";
import { formatCount } from "@/lib/chart/ticks";
import { REGION_THRESHOLDS, DATA_MAP_REGIONS } from "@/lib/numeric/dynamics/regions";
import { DataMap } from "./_components/data-map";
import { TrainGallery } from "./_components/train-gallery";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Dynamics · run ${(await params).id}` };
}

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

export default async function DynamicsPage({ params }: { params: Promise<{ id: string }> }) {
  const id = parseRunId((await params).id);
  const summary = id === null ? null : await fetchDataMapSummary(getDb(), id);
  if (id === null || !summary) notFound();
  if (summary.epochs === 0) {
    return (
      <section className="card" data-testid="dynamics-none">
        <p>
          This run has no training dynamics: it was recorded before mnist-lens stored each training digit&apos;s
          probability at every epoch, or it has not finished its first epoch yet. Runs trained now record them.
        </p>
      </section>
    );
  }
  const { ambiguousVariability, easyConfidence } = REGION_THRESHOLDS;
  return (
    <>
      <section className="card" data-testid="dynamics-summary" data-epochs={summary.epochs}>
        <h2>Data map</h2>
        <p>
          Each of the {formatCount(summary.trainSize)} training digits after {summary.epochs} epoch
          {summary.epochs === 1 ? "" : "s"}: its <strong>confidence</strong> (mean probability of its given label)
          against its <strong>variability</strong> (standard deviation of that probability across epochs), coloured by{" "}
          <strong>correctness</strong> (fraction of epochs predicted right). The probabilities come from each
          batch&apos;s own training forward pass, dropout active, as the loss saw them: variability includes
          dropout&apos;s noise, and a digit may be &quot;forgotten&quot; because a mask hid the units it relied on.
          Validation digits are held out and have none.
        </p>
        <p className="muted">
          Regions as the paper names them, with fixed thresholds: <strong>ambiguous</strong> at variability ≥{" "}
          {ambiguousVariability}; below it <strong>easy-to-learn</strong> at confidence ≥ {easyConfidence} and{" "}
          <strong>hard-to-learn</strong> under it.
        </p>
        <ul className="pairs" data-testid="region-counts">
          {DATA_MAP_REGIONS.map((r) => (
            <li key={r} className="chip" data-region={r} data-count={summary.regions[r]}>
              {r}: {formatCount(summary.regions[r])} ({pct(summary.regions[r] / summary.trainSize)})
            </li>
          ))}
          <li className="chip" data-testid="never-learned" data-count={summary.neverLearned}>
            never learned: {formatCount(summary.neverLearned)}
          </li>
          <li className="chip">forgotten at least once: {formatCount(summary.forgottenOnce)}</li>
        </ul>
        <DataMap runId={id} epochs={summary.epochs} />
      </section>
      <section className="card">
        <h2>Most forgotten</h2>
        <p className="muted">
          Forgetting events (Toneva et al.): right at one epoch, wrong at the next. The digits forgotten most often,
          then the least confident; caption: confidence and times forgotten.
        </p>
        {summary.mostForgotten.length === 0 ? (
          <p data-testid="none-forgotten">No training digit was forgotten.</p>
        ) : (
          <TrainGallery
            runId={id}
            testId="forgotten-gallery"
            items={summary.mostForgotten.map((d) => ({
              index: d.index,
              label: d.label,
              caption: `${pct(d.confidence)} ×${d.forgetting}`,
              title: `training digit ${d.index}: label ${d.label}, forgotten ${d.forgetting}×, ${d.firstLearned ? `first learned at epoch ${d.firstLearned}` : "never learned"}`,
            }))}
          />
        )}
      </section>
    </>
  );
}

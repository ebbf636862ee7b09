// Run comparison: overlaid curves, hyperparameters and results side by side, the B − A confusion difference and per-digit flips.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { listRuns } from "@/lib/db/runs";
import { fetchCompareRuns, type CompareRun } from "@/lib/features/compare/compare-runs";
import { fetchRunFlips } from "@/lib/features/compare/flips";
import { fetchRunSignificance } from "@/lib/features/compare/significance";
import { MAX_COMPARED_RUNS, parseCompareRuns } from "@/lib/chart/pair-view";
import { alignEpochs, runColour } from "@/lib/chart/run-diff";
import type { RawSearchParams } from "@/lib/core/view-state";
import { formatPercent } from "@/lib/chart/ticks";
import { EpochCurves, type CurveLine } from "@/app/runs/[id]/_components/epoch-curves";
import { GallerySections } from "@/app/_components/gallery-sections";
import { ComparePicker } from "./_components/compare-picker";
import { HyperparameterTable, MetricsTable } from "./_components/run-tables";
import { DifferenceMatrix, FlipSummary, flipSections } from "./_components/versus-section";
import { SignificanceSection } from "./_components/significance-section";
import styles from "./_components/compare.module.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Compare runs" };

function curveLines(
  runs: CompareRun[],
  train: (e: CompareRun["epochs"][number]) => number,
  val: (e: CompareRun["epochs"][number]) => number,
) {
  const aligned = (pick: typeof train) =>
    alignEpochs(runs.map((r) => ({ epochs: r.epochs.map((e) => e.epoch), values: r.epochs.map(pick) })));
  const t = aligned(train);
  const v = aligned(val);
  const lines: CurveLine[] = runs.flatMap((r, i) => [
    { key: `${r.id}-train`, label: `#${r.id} training`, values: t.values[i]!, color: runColour(i) },
    { key: `${r.id}-val`, label: `#${r.id} validation`, values: v.values[i]!, color: runColour(i), dashed: true },
  ]);
  return { epochs: t.epochs, lines };
}

export default async function ComparePage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const choice = parseCompareRuns(await searchParams);
  if (choice.kind === "invalid") notFound();
  const db = getDb();
  const [runs, all] = await Promise.all([fetchCompareRuns(db, choice.ids), listRuns(db)]);
  if (!runs) notFound();
  const candidates = all.map((r) => ({
    id: r.id,
    label: `#${r.id} ${r.name} · ${r.status}${r.testAccuracy === null ? "" : ` · ${formatPercent(r.testAccuracy)}`}`,
  }));
  const heading = <h1>Compare runs</h1>;
  if (runs.length < 2 || runs.length > MAX_COMPARED_RUNS) {
    return (
      <>
        {heading}
        <section className="card" data-testid="compare-message">
          <p>
            {runs.length > MAX_COMPARED_RUNS
              ? `Compare at most ${MAX_COMPARED_RUNS} runs at once (${runs.length} were given).`
              : runs.length === 1
                ? `Pick at least one more run to compare with run #${runs[0]!.id}.`
                : "Pick two or three runs to compare."}
          </p>
          {all.length < 2 ? (
            <p className="muted">There is only {all.length} run so far: train another one to compare with.</p>
          ) : null}
          <ComparePicker runs={candidates} selected={choice.ids} />
        </section>
      </>
    );
  }

  const loss = curveLines(
    runs,
    (e) => e.loss,
    (e) => e.valLoss,
  );
  const accuracy = curveLines(
    runs,
    (e) => e.accuracy,
    (e) => e.valAccuracy,
  );
  const planned = Math.max(...runs.map((r) => r.epochsPlanned));
  const [base, ...others] = runs;
  // One comparison per run against A, each with its own pixel binary.
  const [flipLists, significance] = await Promise.all([
    Promise.all(others.map((r) => fetchRunFlips(db, base!.id, [r.id]))),
    fetchRunSignificance(
      db,
      base!.id,
      others.map((r) => r.id),
    ),
  ]);
  const flips = flipLists.flatMap((f) => f.flips);
  const pending = others.filter((r) => !flips.some((f) => f.otherId === r.id));

  return (
    <div data-testid="compare-page" data-runs={runs.map((r) => r.id).join(",")}>
      {heading}
      <section className="card">
        <h2>Training curves</h2>
        <div className="chart-pair">
          <EpochCurves
            title="Loss"
            kind="loss"
            testId="compare-loss"
            epochs={loss.epochs}
            lines={loss.lines}
            bestEpoch={null}
            epochsPlanned={planned}
          />
          <EpochCurves
            title="Accuracy"
            kind="accuracy"
            testId="compare-accuracy"
            epochs={accuracy.epochs}
            lines={accuracy.lines}
            bestEpoch={null}
            epochsPlanned={planned}
          />
        </div>
        <p className="muted">Solid: training; dashed: validation. One colour per run, as in the tables below.</p>
      </section>
      <MetricsTable runs={runs} />
      <SignificanceSection results={significance} />
      <HyperparameterTable runs={runs} />
      {pending.length ? (
        <p className="callout" data-testid="flips-pending">
          {pending.map((r) => `#${r.id}`).join(", ")} {pending.length === 1 ? "has" : "have"} no final test predictions
          yet (or #{base!.id} has none): the confusion difference and flips appear when both runs have finished.
        </p>
      ) : null}
      {flips.map((f) => (
        <section key={f.otherId} className="card" data-testid="versus" data-base={f.baseId} data-other={f.otherId}>
          <h2>
            Run #{f.otherId} against run #{f.baseId}
          </h2>
          <FlipSummary f={f} />
          <h3>
            Confusion difference (#{f.otherId} − #{f.baseId})
          </h3>
          <DifferenceMatrix difference={f.difference} baseId={f.baseId} otherId={f.otherId} />
          <GallerySections
            className={styles.galleries}
            pixelsUrl={`/api/compare/pixels?runs=${f.baseId},${f.otherId}`}
            sections={flipSections(f)}
          />
        </section>
      ))}
      <details className="card">
        <summary>Change the runs</summary>
        <ComparePicker runs={candidates} selected={choice.ids} />
      </details>
    </div>
  );
}

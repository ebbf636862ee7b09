// Run overview: live progress, loss/accuracy curves with the best epoch, results, model summary and graph, hyperparameters.
import type { Metadata } from "next";
import { Suspense } from "react";
import type { Db } from "@/lib/db/client";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { fetchRunOverview } from "@/lib/features/runs/run-pages";
import { fetchRunCalibration } from "@/lib/features/dynamics/calibration";
import { parseRunId } from "@/lib/core/view-state";
import { trainingProgress } from "@/lib/chart/progress";
import { EpochCurves } from "./_components/epoch-curves";
import { LayerGraph } from "./_components/layer-graph";
import { CalibrationSection } from "./_components/calibration-section";
import { EpochTable, HyperparametersCard, MetricsCard, ProgressCard, SummaryTable } from "./_components/overview-cards";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Run ${(await params).id}` };
}

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const id = parseRunId((await params).id);
  const data = id === null ? null : await fetchRunOverview(getDb(), id);
  if (!data) notFound();
  const { run, epochs, summary, config, readAtMs } = data;
  const live = run.status === "running" || run.status === "queued";
  const epochNumbers = epochs.map((e) => e.epoch);
  const best = epochs.find((e) => e.epoch === run.bestEpoch);
  const progress = trainingProgress({
    epochsDone: epochs.length,
    epochsPlanned: run.epochsPlanned,
    progressEpoch: run.progressEpoch,
    progressBatch: run.progressBatch,
    batchesPerEpoch: run.batchesPerEpoch,
    epochMs: epochs.map((e) => e.durationMs + e.evalMs + e.recordMs),
    startedAtMs: run.startedAt?.getTime() ?? null,
    nowMs: readAtMs,
  });

  return (
    <div data-testid="run-overview" data-epochs={epochs.length}>
      {live ? (
        <ProgressCard
          progress={progress}
          epochsDone={epochs.length}
          epochsPlanned={run.epochsPlanned}
          batch={run.progressBatch}
          batches={run.batchesPerEpoch}
        />
      ) : null}
      {run.notes ? <p className="muted">{run.notes}</p> : null}
      <section className="card">
        <h2>Training curves</h2>
        <div className="chart-pair">
          <EpochCurves
            title="Loss"
            kind="loss"
            testId="loss-chart"
            epochs={epochNumbers}
            train={epochs.map((e) => e.loss)}
            val={epochs.map((e) => e.valLoss)}
            bestEpoch={run.bestEpoch}
            epochsPlanned={run.epochsPlanned}
          />
          <EpochCurves
            title="Accuracy"
            kind="accuracy"
            testId="accuracy-chart"
            epochs={epochNumbers}
            train={epochs.map((e) => e.accuracy)}
            val={epochs.map((e) => e.valAccuracy)}
            bestEpoch={run.bestEpoch}
            epochsPlanned={run.epochsPlanned}
          />
        </div>
        {config?.validationSplit === 0 ? (
          <p className="muted">No validation split: the validation curves repeat the training figures.</p>
        ) : null}
      </section>
      <MetricsCard
        baseline={{ loss: run.baselineTestLoss, accuracy: run.baselineTestAccuracy }}
        last={epochs.at(-1)}
        best={best}
        test={{ loss: run.testLoss, accuracy: run.testAccuracy, size: run.testSize }}
      />
      <Suspense
        fallback={<p className="muted card">Calibration: reading each epoch&apos;s validation probabilities…</p>}
      >
        <RunCalibration db={getDb()} runId={run.id} bestEpoch={run.bestEpoch} />
      </Suspense>
      <section className="card">
        <h2>Model</h2>
        <div className="model-pair">
          <div className="table-scroll">
            <SummaryTable summary={summary} total={run.paramCount} />
          </div>
          <LayerGraph layers={summary} />
        </div>
      </section>
      {epochs.length > 0 ? <EpochTable epochs={epochs} bestEpoch={run.bestEpoch} /> : null}
      <HyperparametersCard
        config={config}
        run={run}
        timing={{ created: run.createdAt, started: run.startedAt, finished: run.finishedAt }}
      />
    </div>
  );
}

/** Streams in after the rest of the overview: it reads every epoch's validation probabilities (480 KB each). */
async function RunCalibration({ db, runId, bestEpoch }: { db: Db; runId: number; bestEpoch: number | null }) {
  const calibration = await fetchRunCalibration(db, runId);
  if (!calibration) return null;
  return <CalibrationSection val={calibration.val} test={calibration.test} bestEpoch={bestEpoch} />;
}

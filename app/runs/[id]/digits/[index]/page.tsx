// Digit inspector: one test digit's image, pixel values, predicted probabilities, per-epoch predictions, its
// attribution maps, its prediction in every run, prev/next mistake.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { getRunHeader } from "@/lib/db/run-pages";
import { listCheckpointStamps } from "@/lib/db/checkpoints";
import { fetchDigit } from "@/lib/features/digits/digit-detail";
import { fetchErrors } from "@/lib/features/digits/errors";
import { fetchDigitAcrossRuns } from "@/lib/features/compare/digit-across-runs";
import { neighbours, selectErrors } from "@/lib/chart/gallery";
import {
  galleryQuery,
  parseDigitIndex,
  parseGalleryView,
  parseRunId,
  type RawSearchParams,
} from "@/lib/core/view-state";
import { formatPercent } from "@/lib/chart/ticks";
import { DigitCanvas } from "../../_components/digit-canvas";
import { EpochPredictions, ProbabilityBars } from "../../_components/digit-figures";
import { PixelHeatmap } from "../../_components/pixel-heatmap";
import { DigitAcrossRuns } from "../../_components/digit-across-runs";
import { RunSuspectBadge } from "../../_components/run-suspect-badge";
import { AttributionPanel } from "./_components/attribution-panel";

export const dynamic = "force-dynamic";

interface Props {
  params: Promise<{ id: string; index: string }>;
  searchParams: Promise<RawSearchParams>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id, index } = await params;
  return { title: `Digit ${index} · run ${id}` };
}

export default async function DigitPage({ params, searchParams }: Props) {
  const raw = await params;
  const id = parseRunId(raw.id);
  const index = parseDigitIndex(raw.index);
  const db = getDb();
  const run = id === null ? null : await getRunHeader(db, id);
  const digit = run && index !== null ? await fetchDigit(db, run.id, run.testSize, index) : null;
  if (!run || !digit) notFound();

  const view = parseGalleryView(await searchParams);
  const query = galleryQuery({ trueLabel: view.trueLabel, predicted: view.predicted, sort: view.sort });
  const [errors, acrossRuns, checkpoints] = await Promise.all([
    fetchErrors(db, run.id),
    fetchDigitAcrossRuns(db, digit.index, digit.trueLabel),
    listCheckpointStamps(db, run.id),
  ]);
  const { prev, next } = errors ? neighbours(selectErrors(errors, view), digit.index) : { prev: null, next: null };
  const lastProbe = digit.probe?.epochs.at(-1);
  // The final model's prediction once it exists; while training, the latest epoch's if the digit is a probe.
  const shown = digit.final
    ? { probs: digit.final.probs, predicted: digit.final.predicted, source: "restored checkpoint" }
    : lastProbe
      ? {
          probs: lastProbe.probs,
          predicted: lastProbe.probs.indexOf(Math.max(...lastProbe.probs)),
          source: `after epoch ${lastProbe.epoch}`,
        }
      : null;
  const correct = shown ? shown.predicted === digit.trueLabel : null;

  return (
    <div data-testid="digit-inspector" data-index={digit.index}>
      <nav className="pager" aria-label="misclassified digits">
        {prev ? (
          <Link href={`/runs/${run.id}/digits/${prev.index}${query}`} data-testid="prev-error">
            ← previous mistake (#{prev.index})
          </Link>
        ) : (
          <span />
        )}
        <Link href={`/runs/${run.id}/errors${query}`}>back to the gallery</Link>
        {next ? (
          <Link href={`/runs/${run.id}/digits/${next.index}${query}`} data-testid="next-error">
            next mistake (#{next.index}) →
          </Link>
        ) : (
          <span />
        )}
      </nav>
      <section className="card digit-head">
        <DigitCanvas pixels={digit.pixels} label={`test digit ${digit.index}`} className="digit-large" />
        <div>
          <h2>Test digit #{digit.index}</h2>
          <p>
            true label{" "}
            <strong className="true-label" data-testid="true-label">
              {digit.trueLabel}
            </strong>
            {shown ? (
              <>
                {" · "}predicted{" "}
                <strong className={correct ? "true-label" : "pred-label"} data-testid="predicted-label">
                  {shown.predicted}
                </strong>{" "}
                with {formatPercent(shown.probs[shown.predicted] ?? 0)} ({shown.source})
                {correct ? " — correct" : " — wrong"}
              </>
            ) : (
              <span className="muted"> · no prediction recorded for this digit yet</span>
            )}
          </p>
          <p className="muted">
            {digit.probe
              ? `In the probe set (position ${digit.probe.position}): its prediction is recorded after every epoch.`
              : "Not in the probe set: only the final prediction is recorded."}
          </p>
          <RunSuspectBadge runId={run.id} index={digit.index} />
        </div>
      </section>
      <div className="digit-grid">
        <section className="card">
          <h2>Predicted probabilities</h2>
          {shown ? (
            <ProbabilityBars probs={shown.probs} trueLabel={digit.trueLabel} predicted={shown.predicted} />
          ) : (
            <p className="muted">Appears when the run finishes.</p>
          )}
        </section>
        {digit.probe ? (
          <section className="card">
            <h2>Prediction at every epoch</h2>
            {digit.probe.epochs.length ? (
              <EpochPredictions epochs={digit.probe.epochs} trueLabel={digit.trueLabel} />
            ) : (
              <p className="muted">No epoch recorded yet.</p>
            )}
            <p className="muted">
              Columns are epochs, rows classes; the true class is outlined, the dot marks the predicted class.
            </p>
          </section>
        ) : null}
      </div>
      {checkpoints.length ? (
        <AttributionPanel
          runId={run.id}
          index={digit.index}
          pixels={digit.pixels}
          trueLabel={digit.trueLabel}
          predicted={digit.final?.predicted ?? null}
          checkpoints={checkpoints.map((c) => ({ kind: c.kind, epoch: c.epoch }))}
        />
      ) : null}
      <DigitAcrossRuns runs={acrossRuns} current={run.id} index={digit.index} trueLabel={digit.trueLabel} />
      <section className="card">
        <h2>Pixel values</h2>
        <PixelHeatmap pixels={digit.pixels} />
      </section>
    </div>
  );
}

// Confusion matrix of a run: the final model's and every epoch's test matrix, with per-class scores.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { fetchConfusions } from "@/lib/features/runs/run-pages";
import { getPredictionCounts } from "@/lib/db/digits";
import { perClassScores } from "@/lib/numeric/metrics/classification";
import { parseConfusionView, parseRunId, type RawSearchParams } from "@/lib/core/view-state";
import { ConfusionExplorer, type ConfusionMatrixData } from "../_components/confusion-explorer";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Confusion · run ${(await params).id}` };
}

interface Props {
  params: Promise<{ id: string }>;
  searchParams: Promise<RawSearchParams>;
}

export default async function ConfusionPage({ params, searchParams }: Props) {
  const id = parseRunId((await params).id);
  const db = getDb();
  const [data, predictions] =
    id === null ? [null, null] : await Promise.all([fetchConfusions(db, id), getPredictionCounts(db, id)]);
  if (id === null || !data) notFound();
  const view = parseConfusionView(await searchParams);
  const matrices: ConfusionMatrixData[] = [
    ...(data.final ? [{ epoch: null, counts: data.final, scores: perClassScores(data.final) }] : []),
    ...data.epochs.map((e) => ({ epoch: e.epoch, counts: e.counts, scores: perClassScores(e.counts) })),
  ];
  // An epoch not (yet) recorded falls back to the final matrix, or the last epoch while training.
  const known = view.epoch === null ? data.final !== null : data.epochs.some((e) => e.epoch === view.epoch);
  const epoch = known ? view.epoch : data.final ? null : (data.epochs.at(-1)?.epoch ?? null);
  return (
    <ConfusionExplorer
      runId={id}
      matrices={matrices}
      bestEpoch={data.bestEpoch}
      initial={{ epoch, normalised: view.normalised }}
      galleryReady={predictions !== null}
    />
  );
}

// One digit pair of a run: confusion both ways per epoch, confused and closest digits, mean images, separation by layer, other runs.
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { notFound, redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { fetchPairDetail, rankRunPairs, resolvePairRun, type PairDigit } from "@/lib/features/pairs/pair-details";
import { isSeedPair } from "@/lib/numeric/metrics/pairs";
import { pairHref, parsePairParam, parsePairView, parseRunChoice } from "@/lib/chart/pair-view";
import { galleryQuery, type RawSearchParams } from "@/lib/core/view-state";
import { EpochCurves } from "@/app/runs/[id]/_components/epoch-curves";
import { GallerySections, type GallerySection } from "@/app/_components/gallery-sections";
import { schemeCategory10 } from "d3";
import { AcrossRuns } from "../_components/across-runs";
import { MeanImages } from "../_components/mean-images";
import { SeedBadge } from "../_components/pair-table";
import { RunPicker } from "../_components/run-picker";
import { NoFinishedRun, pickerRuns, TrainingRun, UnfinishedRun } from "../_components/run-states";
import { PairLiveRefresh } from "../_components/live-refresh";
import { fetchCatalogStamp } from "@/lib/features/explorer/catalog";
import { SeparationSection } from "../_components/separation-section";
import { MarginSection } from "../_components/margin-section";
import { MistakeAttribution } from "../_components/mistake-attribution";
import styles from "../_components/pairs.module.css";
import { NUM_CLASSES } from "@/lib/core/constants";

export const dynamic = "force-dynamic";

interface Props {
  params: Promise<{ pair: string }>;
  searchParams: Promise<RawSearchParams>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const pair = parsePairParam((await params).pair);
  return { title: pair ? `Pair ${pair.a}/${pair.b}` : "Pair" };
}

export default async function PairPage({ params, searchParams }: Props) {
  const raw = (await params).pair;
  const pair = parsePairParam(raw);
  if (!pair) notFound();
  const { a, b } = pair;
  const query = await searchParams;
  const db = getDb();
  const resolved = await resolvePairRun(db, parseRunChoice(query));
  if (resolved.kind === "not-found") notFound();
  const view = parsePairView(query);
  if (raw !== `${a}-${b}`) redirect(pairHref(a, b, resolved.kind === "ok" ? resolved.run.id : null, view));
  const heading = (
    <h1>
      Digits {a} and {b}
      {isSeedPair(a, b) ? <SeedBadge /> : null}
    </h1>
  );
  if (resolved.kind === "no-runs")
    return (
      <>
        {heading}
        <NoFinishedRun />
      </>
    );
  const runId = resolved.kind === "ok" ? resolved.run.id : resolved.id;
  // While the run trains or its job stores figures, the page re-renders itself when something new is stored.
  const stamp = await fetchCatalogStamp(db, runId);
  const live = stamp?.active ? <PairLiveRefresh runId={runId} stamp={stamp.stamp} /> : null;
  if (resolved.kind === "unfinished" && (resolved.status === "running" || resolved.status === "queued")) {
    const { activity } = stamp!;
    return (
      <div data-testid="pair-page" data-pair={`${a}-${b}`} data-run-id={resolved.id} data-state="training">
        {heading}
        {live}
        <TrainingRun
          id={resolved.id}
          name={resolved.name}
          a={a}
          b={b}
          progress={`epoch ${activity.epochsRecorded} of ${activity.epochsPlanned} recorded`}
        />
        <Suspense
          fallback={
            <section className="card" data-testid="separation-loading">
              <p className="muted">Reading the separation in every layer and epoch…</p>
            </section>
          }
        >
          <SeparationSection db={db} run={{ id: resolved.id, finishedAt: null }} a={a} b={b} view={view} training />
        </Suspense>
      </div>
    );
  }
  if (resolved.kind === "unfinished")
    return (
      <>
        {heading}
        <UnfinishedRun {...resolved} action={`/pairs/${a}-${b}`} />
      </>
    );

  const { run, runs } = resolved;
  const detail = await fetchPairDetail(db, run, a, b);
  if (!detail) notFound();
  const ranked = rankRunPairs(run);
  const rank = ranked.findIndex((p) => p.a === a && p.b === b) + 1;
  const digitHref = (d: PairDigit) => [d.index, `/runs/${run.id}/digits/${d.index}`] as const;
  const section = (
    key: string,
    testId: string,
    title: React.ReactNode,
    items: PairDigit[],
    empty: string,
    note?: React.ReactNode,
  ): GallerySection => ({
    key,
    testId,
    title,
    note,
    empty,
    items,
    hrefOf: Object.fromEntries(items.map(digitHref)),
  });
  const more = (t: number, p: number, shown: number, total: number) =>
    total > shown ? (
      <>
        the {shown} most confident of {total};{" "}
        <Link href={`/runs/${run.id}/errors${galleryQuery({ trueLabel: t, predicted: p })}`}>all of them</Link>
      </>
    ) : (
      "most confident first"
    );
  const keep: Record<string, string> = {};
  if (view.metric !== "knn") keep.metric = view.metric;
  if (view.method !== "tsne") keep.method = view.method;

  return (
    <div data-testid="pair-page" data-pair={`${a}-${b}`} data-run-id={run.id}>
      {heading}
      {live}
      <RunPicker runs={pickerRuns(runs)} current={run.id} action={`/pairs/${a}-${b}`} keep={keep} />
      <section className="card">
        <p className={styles.summary}>
          <span>
            {a}→{b}: <strong data-testid="final-a-as-b">{run.confusion[a * NUM_CLASSES + b]}</strong>
          </span>
          <span>
            {b}→{a}: <strong data-testid="final-b-as-a">{run.confusion[b * NUM_CLASSES + a]}</strong>
          </span>
          <span>
            rank <strong>{rank}</strong> of 45 in{" "}
            <Link href={`/runs/${run.id}`}>
              run #{run.id} {run.name}
            </Link>{" "}
            ({detail.evaluated} test digits)
          </span>
          <Link href={`/pairs?run=${run.id}`}>all pairs</Link>
        </p>
      </section>
      <section className="card">
        <h2>Confusion both ways at every epoch</h2>
        <EpochCurves
          title={`Test digits ${a}→${b} and ${b}→${a}`}
          kind="count"
          testId="pair-epoch-chart"
          epochs={detail.epochs.map((e) => e.epoch)}
          lines={[
            {
              key: "ab",
              label: `true ${a}, predicted ${b}`,
              values: detail.epochs.map((e) => e.aAsB),
              color: schemeCategory10[a]!,
            },
            {
              key: "ba",
              label: `true ${b}, predicted ${a}`,
              values: detail.epochs.map((e) => e.bAsA),
              color: schemeCategory10[b]!,
              dashed: true,
            },
          ]}
          bestEpoch={run.bestEpoch}
          epochsPlanned={run.epochsPlanned}
        />
        <p className="muted">
          After each epoch, on the test set; the final counts above come from the restored best checkpoint.
        </p>
      </section>
      <MarginSection db={db} runId={run.id} a={a} b={b} />
      <section className="card">
        <h2>The digits behind the counts</h2>
        <GallerySections
          className={styles.galleries}
          pixelsUrl={`/api/pairs/${a}-${b}/pixels?run=${run.id}`}
          sections={[
            section(
              "ab",
              "gallery-a-as-b",
              <>
                {a} taken for {b}
              </>,
              detail.aAsB,
              `No ${a} was taken for a ${b}.`,
              more(a, b, detail.aAsB.length, detail.totalAAsB),
            ),
            section(
              "ba",
              "gallery-b-as-a",
              <>
                {b} taken for {a}
              </>,
              detail.bAsA,
              `No ${b} was taken for a ${a}.`,
              more(b, a, detail.bAsA.length, detail.totalBAsA),
            ),
            section(
              "ca",
              "closest-a",
              <>
                {a}s closest to {b}
              </>,
              detail.closestA,
              `No test digit ${a}.`,
              <>
                smallest p({a}) − p({b}) first; a negative margin means {b} was more likely
              </>,
            ),
            section(
              "cb",
              "closest-b",
              <>
                {b}s closest to {a}
              </>,
              detail.closestB,
              `No test digit ${b}.`,
              <>
                smallest p({b}) − p({a}) first
              </>,
            ),
          ]}
        />
      </section>
      <section className="card">
        <h2>Mean images</h2>
        <MeanImages
          a={a}
          b={b}
          meanA={detail.meanA}
          meanB={detail.meanB}
          countA={detail.countA}
          countB={detail.countB}
        />
      </section>
      <MistakeAttribution db={db} runId={run.id} a={a} b={b} />
      <Suspense
        fallback={
          <section className="card" data-testid="separation-loading">
            <p className="muted">Reading the separation in every layer and epoch…</p>
          </section>
        }
      >
        <SeparationSection db={db} run={run} a={a} b={b} view={view} />
      </Suspense>
      <Suspense
        fallback={
          <section className="card">
            <p className="muted">Comparing with the other runs…</p>
          </section>
        }
      >
        <AcrossRuns db={db} runs={runs} current={run.id} a={a} b={b} />
      </Suspense>
    </div>
  );
}

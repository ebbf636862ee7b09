// Confusable pairs: all 45 digit pairs of a run ranked by test confusion both ways, the seed's pairs marked.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { rankRunPairs, resolvePairRun } from "@/lib/features/pairs/pair-details";
import { SEED_PAIRS } from "@/lib/numeric/metrics/pairs";
import { pairHref, parseRunChoice } from "@/lib/chart/pair-view";
import type { RawSearchParams } from "@/lib/core/view-state";
import { formatCount } from "@/lib/chart/ticks";
import { PairTable } from "./_components/pair-table";
import { RunPicker } from "./_components/run-picker";
import { NoFinishedRun, pickerRuns, UnfinishedRun } from "./_components/run-states";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Confusable pairs" };

export default async function PairsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const resolved = await resolvePairRun(getDb(), parseRunChoice(await searchParams));
  if (resolved.kind === "not-found") notFound();
  const heading = <h1>Confusable pairs</h1>;
  if (resolved.kind === "no-runs")
    return (
      <>
        {heading}
        <NoFinishedRun />
      </>
    );
  if (resolved.kind === "unfinished")
    return (
      <>
        {heading}
        <UnfinishedRun {...resolved} action="/pairs" />
      </>
    );

  const { run, runs } = resolved;
  const pairs = rankRunPairs(run);
  const errors = pairs.reduce((s, p) => s + p.total, 0);
  const top5 = pairs.slice(0, 5).reduce((s, p) => s + p.total, 0);
  const rankOf = (a: number, b: number) => pairs.findIndex((p) => p.a === a && p.b === b) + 1;
  return (
    <div data-testid="pairs-page" data-run-id={run.id}>
      {heading}
      <RunPicker runs={pickerRuns(runs)} current={run.id} action="/pairs" />
      <section className="card">
        <p>
          The restored checkpoint of{" "}
          <Link href={`/runs/${run.id}`}>
            run #{run.id} {run.name}
          </Link>{" "}
          misclassified <strong data-testid="pairs-errors">{formatCount(errors)}</strong> of {formatCount(run.testSize)}{" "}
          test digits; the five most confused pairs account for {errors ? Math.round((top5 / errors) * 100) : 0}% of
          them.
        </p>
        <p className="pairs">
          <span className="muted">The seed&apos;s confusable pairs rank:</span>
          {SEED_PAIRS.map(([a, b]) => (
            <Link key={`${a}-${b}`} className="chip" href={pairHref(a, b, run.id)} data-testid="seed-pair-chip">
              {a}/{b} #{rankOf(a, b)}
            </Link>
          ))}
        </p>
      </section>
      <PairTable pairs={pairs} runId={run.id} />
    </div>
  );
}

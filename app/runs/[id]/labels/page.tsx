// A run's suspect labels: confident learning on its restored checkpoint's test probabilities (the /labels page for one run).
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { getRunHeader } from "@/lib/db/run-pages";
import { labelsQuery, parseLabelsView } from "@/lib/core/labels-view";
import { parseRunId, type RawSearchParams } from "@/lib/core/view-state";
import { fetchSuspectsPage } from "@/lib/features/labels/suspects";
import { currentAdminSession } from "@/lib/features/auth/page";
import { SuspectsGallery } from "@/app/_components/suspects-gallery";
import { LabelsPager } from "@/app/_components/labels-pager";

export const dynamic = "force-dynamic";

const PAGE_SIZE = 48;

interface Props {
  params: Promise<{ id: string }>;
  searchParams: Promise<RawSearchParams>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Suspect labels · run ${(await params).id}` };
}

export default async function RunLabelsPage({ params, searchParams }: Props) {
  const id = parseRunId((await params).id);
  const db = getDb();
  const run = id === null ? null : await getRunHeader(db, id);
  if (!run) notFound();
  const view = { ...parseLabelsView(await searchParams), source: { kind: "run" as const, runId: run.id } };
  const [data, session] = await Promise.all([fetchSuspectsPage(db, view, PAGE_SIZE), currentAdminSession()]);
  if ("missing" in data) {
    return (
      <section className="card" data-testid="labels-missing">
        <p>
          Suspect labels are computed from the restored checkpoint&apos;s test probabilities: they appear when the run
          has finished.
        </p>
      </section>
    );
  }
  const base = `/runs/${run.id}/labels`;
  const rankingLink = (ranking: typeof view.ranking, text: string) =>
    view.ranking === ranking ? (
      <strong className="chip">{text}</strong>
    ) : (
      <Link className="chip" href={`${base}${labelsQuery({ ranking })}`}>
        {text}
      </Link>
    );
  return (
    <section className="card" data-testid="labels-suspects">
      <p data-testid="suspect-count" data-total={data.total} data-matching={data.matching}>
        <strong>{data.matching.toLocaleString("en-US")}</strong> suspect label{data.matching === 1 ? "" : "s"} among{" "}
        {data.digits.toLocaleString("en-US")} test digits by this run&apos;s confident joint. A consensus of several
        runs is steadier:{" "}
        <Link href={`/labels${labelsQuery({ source: { kind: "run", runId: run.id } })}`}>/labels</Link>.
      </p>
      <p className="pairs">
        ranked by {rankingLink("self-confidence", "self-confidence")}
        {rankingLink("normalized-margin", "normalised margin")}
      </p>
      <SuspectsGallery data={data} csrfToken={session?.csrfToken ?? null} />
      <LabelsPager base={base} view={{ ...view, source: { kind: "none" } }} page={data.page} pages={data.pages} />
    </section>
  );
}

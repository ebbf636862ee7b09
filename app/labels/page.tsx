// Suspect labels: confident learning over one run's, several runs' (consensus) or cross-validation's out-of-sample
// probabilities; the ranked suspects with the admin's review buttons, accuracy with reviewed labels, reviews as CSV.
import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { getCrossvalResult, listRunsWithPredictions } from "@/lib/db/labels";
import { parseLabelsView } from "@/lib/core/labels-view";
import type { RawSearchParams } from "@/lib/core/view-state";
import { fetchSuspectsPage } from "@/lib/features/labels/suspects";
import { fetchReviewedAccuracies } from "@/lib/features/labels/reviews";
import { currentAdminSession } from "@/lib/features/auth/page";
import { SuspectsGallery } from "@/app/_components/suspects-gallery";
import { LabelsPager } from "@/app/_components/labels-pager";
import { SourceForm } from "./_components/source-form";
import { ReviewedAccuracyTable } from "./_components/reviewed-accuracy-table";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Suspect labels" };

/** Thumbnails per page, each with its details and buttons. */
const PAGE_SIZE = 48;

export default async function LabelsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const db = getDb();
  const parsed = parseLabelsView(await searchParams);
  const [runs, crossval, session, accuracies] = await Promise.all([
    listRunsWithPredictions(db),
    getCrossvalResult(db),
    currentAdminSession(),
    fetchReviewedAccuracies(db),
  ]);
  // No source in the URL: the newest finished run, so the page opens on something.
  const latest = runs.at(-1);
  const view =
    parsed.source.kind === "none" && latest
      ? { ...parsed, source: { kind: "run" as const, runId: latest.id } }
      : parsed;
  const data = await fetchSuspectsPage(db, view, PAGE_SIZE);
  return (
    <>
      <h1>Suspect labels</h1>
      <p className="muted">
        Confident learning (Northcutt et al. 2021) on out-of-sample probabilities: a digit is a suspect when the
        classifier is confident, by each class&apos;s own average confidence, that it belongs to another class than its
        label. Lower scores are more suspect. Nothing here uses a list of known label errors.
      </p>
      <SourceForm view={view} runs={runs} hasCrossval={crossval !== null} />
      {"missing" in data ? (
        <p className="card" data-testid="labels-missing">
          No suspects to show: {data.missing}.
        </p>
      ) : (
        <section className="card" data-testid="labels-suspects">
          <p data-testid="suspect-count" data-total={data.total} data-matching={data.matching}>
            <strong>{data.matching.toLocaleString("en-US")}</strong>
            {data.matching !== data.total ? ` of ${data.total.toLocaleString("en-US")}` : ""} suspect
            {data.matching === 1 ? "" : "s"} among {data.digits.toLocaleString("en-US")} {data.subset} digits, from{" "}
            {data.description}.
          </p>
          {session ? null : (
            <p className="muted">
              <Link href="/login?next=/labels">Log in as the admin</Link> to review them.
            </p>
          )}
          <SuspectsGallery data={data} csrfToken={session?.csrfToken ?? null} />
          <LabelsPager base="/labels" view={view} page={data.page} pages={data.pages} />
        </section>
      )}
      <section className="card">
        <h2>Test accuracy with reviewed labels</h2>
        <ReviewedAccuracyTable rows={accuracies} />
        <p>
          <a className="chip" href="/api/labels/reviews" download data-testid="reviews-csv">
            export the reviews as CSV
          </a>
        </p>
      </section>
    </>
  );
}

// Misclassified gallery: every test digit the final model got wrong, filterable, sortable, paged, exportable as CSV.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { getRunHeader } from "@/lib/db/run-pages";
import { fetchErrors } from "@/lib/features/digits/errors";
import { fetchRunSuspectMap } from "@/lib/features/labels/suspects";
import { SuspectBadge } from "@/app/_components/suspect-badge";
import { pageOf, selectErrors, type ErrorItem } from "@/lib/chart/gallery";
import { galleryQuery, parseGalleryView, parseRunId, type RawSearchParams } from "@/lib/core/view-state";
import { formatCount } from "@/lib/chart/ticks";
import { DigitGallery, type GalleryItem } from "../_components/digit-gallery";
import { GalleryControls } from "../_components/gallery-controls";
import { NUM_CLASSES } from "@/lib/core/constants";

export const dynamic = "force-dynamic";

/** Thumbnails per page: a few hundred canvases keep the page light; every mistake stays reachable by paging. */
const PAGE_SIZE = 200;

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Errors · run ${(await params).id}` };
}

function topPairs(errors: ErrorItem[], n: number): Array<{ t: number; p: number; count: number }> {
  const counts = new Map<number, number>();
  for (const e of errors)
    counts.set(e.trueLabel * NUM_CLASSES + e.predicted, (counts.get(e.trueLabel * NUM_CLASSES + e.predicted) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, n)
    .map(([k, count]) => ({ t: Math.floor(k / NUM_CLASSES), p: k % NUM_CLASSES, count }));
}

interface Props {
  params: Promise<{ id: string }>;
  searchParams: Promise<RawSearchParams>;
}

export default async function ErrorsPage({ params, searchParams }: Props) {
  const id = parseRunId((await params).id);
  const db = getDb();
  const run = id === null ? null : await getRunHeader(db, id);
  if (!run) notFound();
  const errors = await fetchErrors(db, run.id);
  if (!errors) {
    return (
      <section className="card" data-testid="gallery-pending">
        <p>
          The gallery lists the final model&apos;s mistakes on the test set; it appears when the run{" "}
          {run.status === "running" ? "finishes" : "has finished"} and its best checkpoint has been evaluated.
        </p>
        {run._count.epochs > 0 ? (
          <p>
            Meanwhile the <Link href={`/runs/${run.id}/confusion`}>confusion matrix after each epoch</Link> shows where
            it fails so far.
          </p>
        ) : null}
      </section>
    );
  }
  const view = parseGalleryView(await searchParams);
  const list = selectErrors(errors, view);
  const page = pageOf(list, view.page, PAGE_SIZE);
  const filterQuery = galleryQuery({ trueLabel: view.trueLabel, predicted: view.predicted, sort: view.sort });
  const items: GalleryItem[] = page.items.map(({ index, trueLabel, predicted, confidence, slot }) => ({
    index,
    trueLabel,
    predicted,
    confidence,
    slot,
  }));
  const hrefOf = Object.fromEntries(
    page.items.map((e) => [e.index, `/runs/${run.id}/digits/${e.index}${filterQuery}`]),
  );
  const filtered = view.trueLabel !== null || view.predicted !== null;
  // Mistakes the run's own confident joint counts under another class: possibly the label's fault, not the model's.
  const suspects = await fetchRunSuspectMap(db, run.id);
  const footerOf = Object.fromEntries(
    page.items.flatMap((e) => {
      const suggested = suspects.get(e.index);
      return suggested === undefined
        ? []
        : [[e.index, <SuspectBadge key={e.index} given={e.trueLabel} suggested={suggested} />]];
    }),
  );

  return (
    <>
      <section className="card">
        <p data-testid="gallery-count">
          <strong data-testid="error-count">{formatCount(list.length)}</strong>
          {filtered ? ` of ${formatCount(errors.length)}` : ""} misclassified test digit{list.length === 1 ? "" : "s"}
          {view.trueLabel !== null ? ` with true class ${view.trueLabel}` : ""}
          {view.predicted !== null ? ` predicted as ${view.predicted}` : ""} ({formatCount(run.testSize)} evaluated by
          the restored checkpoint).
        </p>
        <GalleryControls runId={run.id} view={view} />
        <p className="pairs">
          <span className="muted">Most frequent confusions:</span>{" "}
          {topPairs(errors, 6).map((pair) => (
            <Link
              key={`${pair.t}-${pair.p}`}
              className="chip"
              href={`/runs/${run.id}/errors${galleryQuery({ trueLabel: pair.t, predicted: pair.p })}`}
            >
              {pair.t}→{pair.p} ×{pair.count}
            </Link>
          ))}
          {filtered ? (
            <Link className="chip chip-clear" href={`/runs/${run.id}/errors${galleryQuery({ sort: view.sort })}`}>
              clear filters
            </Link>
          ) : null}
          <a className="chip" href={`/api/runs/${run.id}/errors${filterQuery}`} download data-testid="csv-link">
            export CSV
          </a>
        </p>
      </section>
      {list.length === 0 ? <p className="card">No misclassified digit matches these filters.</p> : null}
      <DigitGallery
        items={items}
        pixelsUrl={`/api/runs/${run.id}/digits?set=errors`}
        hrefOf={hrefOf}
        footerOf={footerOf}
      />
      {page.pages > 1 ? (
        <nav className="pager" aria-label="pages" data-testid="pager">
          {page.page > 1 ? (
            <Link href={`/runs/${run.id}/errors${galleryQuery({ ...view, page: page.page - 1 })}`}>← previous</Link>
          ) : (
            <span />
          )}
          <span>
            {formatCount(page.start + 1)}–{formatCount(page.start + page.items.length)} of {formatCount(list.length)} ·
            page {page.page}/{page.pages}
          </span>
          {page.page < page.pages ? (
            <Link href={`/runs/${run.id}/errors${galleryQuery({ ...view, page: page.page + 1 })}`}>next →</Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </>
  );
}

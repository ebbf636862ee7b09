// Embedding explorer: t-SNE and PCA layouts of each hidden layer per epoch and of the final test set, on a canvas.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { getRunHeader } from "@/lib/db/run-pages";
import { countMissingProjections, fetchExplorerSeries } from "@/lib/features/explorer/series";
import { fetchExplorerPoints } from "@/lib/features/explorer/points";
import { parseExplorerView } from "@/lib/chart/scatter-view";
import { parseRunId, type RawSearchParams } from "@/lib/core/view-state";
import { EmbeddingExplorer } from "./_components/embedding-explorer";

export const dynamic = "force-dynamic";

interface Props {
  params: Promise<{ id: string }>;
  searchParams: Promise<RawSearchParams>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Embeddings · run ${(await params).id}` };
}

function ProjectCommand({ runId }: { runId: number }) {
  return (
    <pre className="command" data-testid="project-command">
      npm run project -- --run {runId}
    </pre>
  );
}

export default async function EmbeddingsPage({ params, searchParams }: Props) {
  const id = parseRunId((await params).id);
  const db = getDb();
  const run = id === null ? null : await getRunHeader(db, id);
  if (!run) notFound();
  const [series, points, view] = await Promise.all([
    fetchExplorerSeries(db, run.id),
    fetchExplorerPoints(db, run.id),
    parseExplorerView(await searchParams),
  ]);
  if (!points) notFound();
  const { missing, total } = await countMissingProjections(db, run.id, series);

  if (series.length === 0) {
    return (
      <section className="card" data-testid="no-projections">
        <h2>No projections yet</h2>
        {total === 0 ? (
          <p>
            This run has recorded no embeddings yet: the probe set&apos;s hidden-layer activations are stored after each
            epoch
            {run.status === "running" ? " (the first one is still training)" : ""}, the final test set&apos;s when
            training ends.
          </p>
        ) : (
          <>
            <p>
              None of this run&apos;s {total} layouts is computed yet: PCA and t-SNE of each hidden layer at each epoch
              for the {points.probe.rows.toLocaleString("en-US")} probe digits, of the final model&apos;s last hidden
              layer for the {points.test.rows.toLocaleString("en-US")} test digits, and of their raw pixels. The main
              job projects a run after training; to compute what is missing now, run:
            </p>
            <ProjectCommand runId={run.id} />
            <p className="muted">
              It prints its progress; PCA layouts appear first (instant), t-SNE layouts as they finish. Reload this page
              meanwhile.
            </p>
          </>
        )}
      </section>
    );
  }

  return (
    <div data-testid="embedding-explorer">
      {missing > 0 ? (
        <div className="callout" data-testid="projections-missing">
          {missing} of {total} layouts are not computed yet
          {run.status === "running" ? " (the run is still training)" : ""}; what exists is shown. To compute the rest:{" "}
          <code>npm run project -- --run {run.id}</code>
        </div>
      ) : null}
      <EmbeddingExplorer runId={run.id} series={series} points={points} initial={view} />
    </div>
  );
}

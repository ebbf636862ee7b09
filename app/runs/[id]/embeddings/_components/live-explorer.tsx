"use client";
// The Embeddings tab's body: the explorer over the live catalog, what the run's job is doing while it trains or
// projects, and what to run when layouts are missing.
import type { ExplorerView } from "@/lib/core/view-state";
import { EmbeddingExplorer } from "./embedding-explorer";
import { useLiveCatalog, type ClientCatalog } from "./use-live-catalog";

interface Props {
  runId: number;
  initial: ClientCatalog;
  view: ExplorerView;
}

function ProjectCommand({ runId }: { runId: number }) {
  return (
    <pre className="command" data-testid="project-command">
      npm run project -- --run {runId}
    </pre>
  );
}

function NoProjections({ runId, catalog }: { runId: number; catalog: ClientCatalog }) {
  const { progress, points } = catalog;
  if (progress.active)
    return (
      <section className="card" data-testid="no-projections" data-state="waiting">
        <h2>Waiting for the first layouts</h2>
        <p>
          No layout of this run is stored yet. PCA and t-SNE of each hidden layer are computed after every epoch while
          the run trains; the explorer opens here as soon as the first one is stored, without a reload.
        </p>
      </section>
    );
  return (
    <section className="card" data-testid="no-projections" data-state="none">
      <h2>No projections yet</h2>
      {progress.layouts.total === 0 ? (
        <p>
          This run has recorded no embeddings: the probe set&apos;s hidden-layer activations are stored after each
          epoch, the final test set&apos;s when training ends.
        </p>
      ) : (
        <>
          <p>
            None of this run&apos;s {progress.layouts.total} layouts is computed yet: PCA and t-SNE of each hidden layer
            at each epoch for the {points.probe.rows.toLocaleString("en-US")} probe digits, of the final model&apos;s
            last hidden layer for the {points.test.rows.toLocaleString("en-US")} test digits, and of their raw pixels.
            The job worker projects a run as it trains; to compute what is missing now, run:
          </p>
          <ProjectCommand runId={runId} />
          <p className="muted">It prints its progress; the layouts appear here as they are stored.</p>
        </>
      )}
    </section>
  );
}

export function LiveExplorer({ runId, initial, view }: Props) {
  const catalog = useLiveCatalog(runId, initial);
  const { series, points, progress, message } = catalog;
  const missing = progress.layouts.total - progress.layouts.stored;
  return (
    <>
      {message ? (
        <div className="callout" role="status" data-testid="live-progress" data-live="polling">
          {message}. New layouts appear here as they are stored.
        </div>
      ) : null}
      {series.length === 0 ? (
        <NoProjections runId={runId} catalog={catalog} />
      ) : (
        <div data-testid="embedding-explorer" data-live={progress.active ? "polling" : "idle"}>
          {!progress.active && missing > 0 ? (
            <div className="callout" data-testid="projections-missing">
              {missing} of {progress.layouts.total} PCA and t-SNE layouts are not computed yet; what exists is shown. To
              compute the rest: <code>npm run project -- --run {runId}</code>
            </div>
          ) : null}
          <EmbeddingExplorer runId={runId} series={series} points={points} initial={view} live={progress.active} />
        </div>
      )}
    </>
  );
}

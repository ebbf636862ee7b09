// Shared frame of a run's pages: name, status, error of a failed run, tabs; live refresh while it trains.
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { getRunHeader } from "@/lib/db/run-pages";
import { parseRunId } from "@/lib/core/view-state";
import { AutoRefresh } from "@/app/_components/auto-refresh";
import { RunStatus } from "./_components/run-status";
import { RunTabs } from "./_components/run-tabs";

export const dynamic = "force-dynamic";

export default async function RunLayout({
  params,
  children,
}: {
  params: Promise<{ id: string }>;
  children: React.ReactNode;
}) {
  const id = parseRunId((await params).id);
  const run = id === null ? null : await getRunHeader(getDb(), id);
  if (!run) notFound();
  const live = run.status === "running" || run.status === "queued";
  return (
    <>
      {/* The Embeddings tab polls its catalog (an ETag'd JSON) and updates this header's status and epochs itself. */}
      <AutoRefresh active={live} exceptUnder={`/runs/${run.id}/embeddings`} />
      <header className="run-header">
        <h1>
          #{run.id} {run.name}
        </h1>
        <RunStatus
          runId={run.id}
          status={run.status}
          epochsRecorded={run._count.epochs}
          epochsPlanned={run.epochsPlanned}
          architecture={run.architecture}
          backend={run.backend}
        />
      </header>
      {run.status === "failed" ? (
        <div className="callout callout-bad" role="alert" data-testid="run-error">
          <strong>This run failed.</strong> {run.error ?? "No error was recorded."} The epochs it finished are shown
          below.
        </div>
      ) : null}
      {run.status === "cancelled" ? (
        <div className="callout" data-testid="run-cancelled">
          This run was cancelled after {run._count.epochs} of {run.epochsPlanned} epochs; what it recorded is shown
          below.
        </div>
      ) : null}
      <RunTabs runId={run.id} />
      {children}
    </>
  );
}

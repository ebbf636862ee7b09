// Shared frame of a run's pages: name, status, error of a failed run, tabs; live refresh while it trains.
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { getRunHeader } from "@/lib/db/run-pages";
import { parseRunId } from "@/lib/core/view-state";
import { AutoRefresh } from "@/app/_components/auto-refresh";
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
      <AutoRefresh active={live} />
      <header className="run-header">
        <h1>
          #{run.id} {run.name}
        </h1>
        <span className={`status status-${run.status}`} data-testid="run-status">
          {run.status}
        </span>
        <span className="muted">
          {run.architecture.toUpperCase()} · {run.backend} · {run._count.epochs}/{run.epochsPlanned} epochs
        </span>
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

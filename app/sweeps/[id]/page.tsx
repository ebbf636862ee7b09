// One sweep: its runs live (refreshed while jobs are queued or running), a table sortable by any column with the
// sort in the URL, a parallel-coordinates plot of the hyperparameters against best val_loss and test accuracy, and
// two runs picked to open /compare.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { parseRunId, type RawSearchParams } from "@/lib/core/view-state";
import { parseSweepSort, sortSweepRows } from "@/lib/core/sweep-table";
import { fetchSweepView } from "@/lib/features/jobs/sweeps";
import { AutoRefresh } from "@/app/_components/auto-refresh";
import { ParallelCoordinates } from "./_components/parallel-coordinates";
import { SweepTable } from "./_components/sweep-table";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sweep" };

export default async function SweepPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<RawSearchParams>;
}) {
  // A sweep id follows the run ids' rule: a positive integer, else 404.
  const id = parseRunId((await params).id);
  const sweep = id === null ? null : await fetchSweepView(getDb(), id);
  if (!sweep) notFound();
  const sort = parseSweepSort(await searchParams);
  const finished = sweep.rows.filter(
    (r) => r.status === "succeeded" && r.bestValLoss !== null && r.testAccuracy !== null,
  );
  const counts = new Map<string, number>();
  for (const r of sweep.rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return (
    <>
      <AutoRefresh active={sweep.active > 0} />
      <h1>
        Sweep #{sweep.id} {sweep.name}
      </h1>
      <p className="muted" data-testid="sweep-summary">
        {sweep.mode} · {sweep.count} jobs · {[...counts].map(([s, n]) => `${n} ${s}`).join(" · ")} · queued{" "}
        {sweep.createdAt.slice(0, 16).replace("T", " ")}
        {sweep.active > 0 ? " · refreshing while jobs are queued or running" : ""}
      </p>
      <section className="card">
        <h2>Hyperparameters against the results</h2>
        {finished.length === 0 ? (
          <p className="muted" data-testid="pc-empty">
            One line per finished run appears here as the jobs succeed.
          </p>
        ) : (
          <ParallelCoordinates rows={finished} />
        )}
      </section>
      <section className="card">
        <h2>Runs</h2>
        <SweepTable rows={sortSweepRows(sweep.rows, sort)} sort={sort} />
      </section>
    </>
  );
}

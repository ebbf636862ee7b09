// Every sweep, newest first, with its jobs' states; each links to its page (table and parallel coordinates).
import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { listSweeps } from "@/lib/db/sweeps";
import { AutoRefresh } from "@/app/_components/auto-refresh";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sweeps" };

const STATUS_ORDER = ["succeeded", "running", "queued", "failed", "cancelled"];

export default async function SweepsPage() {
  const sweeps = await listSweeps(getDb());
  const active = sweeps.some((s) => (s.statuses.queued ?? 0) + (s.statuses.running ?? 0) > 0);
  return (
    <>
      <AutoRefresh active={active} />
      <h1>Sweeps</h1>
      {sweeps.length === 0 ? (
        <section className="card" data-testid="sweeps-empty">
          <p>
            No sweeps yet. Queue one from the <Link href="/admin">admin page</Link>: lists or ranges of learning rate,
            hidden widths, dropout, optimizer, batch size and seed, as a grid or as random draws.
          </p>
        </section>
      ) : (
        <div className="card table-scroll">
          <table className="data" data-testid="sweeps-table">
            <thead>
              <tr>
                <th>Sweep</th>
                <th>Mode</th>
                <th className="num">Jobs</th>
                <th>States</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {sweeps.map((s) => (
                <tr key={s.id} data-sweep-id={s.id}>
                  <td>
                    <Link href={`/sweeps/${s.id}`}>
                      #{s.id} {s.name}
                    </Link>
                  </td>
                  <td>{s.mode}</td>
                  <td className="num">{s.count}</td>
                  <td>
                    {STATUS_ORDER.filter((st) => s.statuses[st])
                      .map((st) => `${s.statuses[st]} ${st}`)
                      .join(" · ") || "—"}
                  </td>
                  <td>{s.createdAt.slice(0, 16).replace("T", " ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

// Home: every run with its status, accuracy and progress; an empty database explains how to train.
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { listRuns } from "@/lib/db/runs";
import { AutoRefresh } from "./_components/auto-refresh";

export const dynamic = "force-dynamic";

function pct(x: number | null): string {
  return x === null ? "—" : `${(x * 100).toFixed(2)}%`;
}

export default async function HomePage() {
  const runs = await listRuns(getDb());
  const anyRunning = runs.some((r) => r.status === "running" || r.status === "queued");
  return (
    <>
      <AutoRefresh active={anyRunning} />
      <h1>Runs</h1>
      {runs.length === 0 ? (
        <section className="card" data-testid="empty-state">
          <p>No runs yet. Train the seed network (16 epochs on 60,000 digits):</p>
          <pre className="command">npm run train</pre>
          <p className="muted">
            or a quick one: <code>npm run train -- --epochs 2 --train-size 6000</code>. Runs appear here while they train.
          </p>
        </section>
      ) : (
        <div className="card table-scroll">
          <table className="data" data-testid="runs-table">
            <thead>
              <tr>
                <th>Run</th>
                <th>Status</th>
                <th className="num">Epochs</th>
                <th className="num">Test accuracy</th>
                <th className="num">Best epoch</th>
                <th>Backend</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => {
                const done = run._count.epochs;
                return (
                  <tr key={run.id} data-run-id={run.id}>
                    <td>
                      <Link href={`/runs/${run.id}`}>
                        #{run.id} {run.name}
                      </Link>
                    </td>
                    <td>
                      <span className={`status status-${run.status}`} data-testid="run-status">
                        {run.status}
                      </span>
                      {run.error ? <div className="muted">{run.error}</div> : null}
                    </td>
                    <td className="num" data-testid="run-epochs">
                      {done}/{run.epochsPlanned}
                      {run.status === "running" ? (
                        <div className="progress" aria-label="progress">
                          <div style={{ width: `${((done + (run.batchesPerEpoch ? run.progressBatch / run.batchesPerEpoch : 0)) / run.epochsPlanned) * 100}%` }} />
                        </div>
                      ) : null}
                    </td>
                    <td className="num" data-testid="run-accuracy">{pct(run.testAccuracy)}</td>
                    <td className="num">{run.bestEpoch ?? "—"}</td>
                    <td>{run.backend}</td>
                    <td>{run.createdAt.toISOString().slice(0, 16).replace("T", " ")}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

// Home: every run with its status, accuracy and progress (live while one trains), and a card about the dataset.
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { listRuns } from "@/lib/db/runs";
import { fetchDatasetSample } from "@/lib/features/digits/dataset-sample";
import { formatDuration } from "@/lib/chart/progress";
import { formatCount } from "@/lib/chart/ticks";
import { AutoRefresh } from "./_components/auto-refresh";
import { DatasetDigits } from "./_components/dataset-digits";

export const dynamic = "force-dynamic";

function pct(x: number | null): string {
  return x === null ? "—" : `${(x * 100).toFixed(2)}%`;
}

function duration(started: Date | null, finished: Date | null, live: boolean): string {
  if (!started) return "—";
  const end = finished ?? (live ? new Date() : null);
  return end ? formatDuration(end.getTime() - started.getTime()) : "—";
}

function DatasetCard() {
  const sample = fetchDatasetSample(16);
  const max = Math.max(...sample.trainCounts, 1);
  return (
    <section className="card" data-testid="dataset-card">
      <h2>MNIST</h2>
      <p className="muted">
        {formatCount(sample.trainTotal)} training and {formatCount(sample.testTotal)} test digits, 28×28 gray pixels.
        The first 16 training digits with their labels:
      </p>
      <DatasetDigits pixelsBase64={sample.pixelsBase64} labels={sample.labels} />
      <table className="data class-counts" data-testid="class-counts">
        <thead>
          <tr>
            <th>class</th>
            <th className="num">train</th>
            <th className="num">test</th>
            <th className="bar-col" aria-label="share of the training set" />
          </tr>
        </thead>
        <tbody>
          {sample.trainCounts.map((n, c) => (
            <tr key={c} data-class={c}>
              <td>{c}</td>
              <td className="num">{formatCount(n)}</td>
              <td className="num">{formatCount(sample.testCounts[c] ?? 0)}</td>
              <td className="bar-col">
                <div className="count-bar" style={{ width: `${(n / max) * 100}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
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
            or a quick one: <code>npm run train -- --epochs 2 --train-size 6000</code>. Runs appear here while they
            train.
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
                <th className="num">Duration</th>
                <th>Backend</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => {
                const done = run._count.epochs;
                const live = run.status === "running";
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
                      {run.error ? <div className="muted run-error">{run.error}</div> : null}
                    </td>
                    <td className="num" data-testid="run-epochs">
                      {done}/{run.epochsPlanned}
                      {live ? (
                        <div className="progress" aria-label="progress">
                          <div
                            style={{
                              width: `${((done + (run.batchesPerEpoch && run.progressEpoch === done ? run.progressBatch / run.batchesPerEpoch : 0)) / run.epochsPlanned) * 100}%`,
                            }}
                          />
                        </div>
                      ) : null}
                    </td>
                    <td className="num" data-testid="run-accuracy">
                      {pct(run.testAccuracy)}
                    </td>
                    <td className="num">{run.bestEpoch ?? "—"}</td>
                    <td className="num">{duration(run.startedAt, run.finishedAt, live)}</td>
                    <td>{run.backend}</td>
                    <td>{run.createdAt.toISOString().slice(0, 16).replace("T", " ")}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {runs.length > 0 ? (
        <section className="card" data-testid="analysis-links">
          <h2>Where it fails</h2>
          <p>
            <Link href="/pairs">Confusable pairs</Link>: the 45 digit pairs ranked by how often the model mixes them up
            — the seed&apos;s 4/9, 7/9, 1/7, 3/5… — with the layer and epoch at which the network learns to tell them
            apart. <Link href="/compare">Compare runs</Link>: curves, hyperparameters and the digits one run gets right
            and another wrong.
          </p>
        </section>
      ) : null}
      <DatasetCard />
    </>
  );
}

// The same digit pair in every succeeded run side by side: final test counts both ways and the last layer's separation.
import Link from "next/link";
import type { Db } from "@/lib/db/client";
import type { PairRun } from "@/lib/features/pairs/pair-details";
import { fetchPairAcrossRuns } from "@/lib/features/pairs/pair-separation";
import { compareHref, pairHref } from "@/lib/chart/pair-view";
import { formatSeparation } from "@/lib/chart/separation";
import { formatPercent } from "@/lib/chart/ticks";
import styles from "./pairs.module.css";

export async function AcrossRuns({
  db,
  runs,
  current,
  a,
  b,
}: {
  db: Db;
  runs: PairRun[];
  current: number;
  a: number;
  b: number;
}) {
  const rows = await fetchPairAcrossRuns(db, runs, a, b);
  return (
    <section className="card table-scroll">
      <h2>
        {a} / {b} in every finished run
      </h2>
      <table className="data" data-testid="across-runs">
        <thead>
          <tr>
            <th>run</th>
            <th className="num">test accuracy</th>
            <th className="num">
              {a}→{b}
            </th>
            <th className="num">
              {b}→{a}
            </th>
            <th className="num">total</th>
            <th className="num">kNN purity</th>
            <th className="num">silhouette</th>
            <th>where</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.runId} data-run-id={r.runId} className={r.runId === current ? styles.current : undefined}>
              <td>
                <Link href={pairHref(a, b, r.runId)}>
                  #{r.runId} {r.name}
                </Link>{" "}
                <span className="muted">{r.architecture.toUpperCase()}</span>
              </td>
              <td className="num">{r.testAccuracy === null ? "—" : formatPercent(r.testAccuracy)}</td>
              <td className="num" data-testid="across-a-as-b">
                {r.aAsB}
              </td>
              <td className="num" data-testid="across-b-as-a">
                {r.bAsA}
              </td>
              <td className="num">{r.aAsB + r.bAsA}</td>
              <td className="num" data-testid="across-knn" data-value={r.last?.knnPurity}>
                {r.last ? `${formatSeparation(r.last.knnPurity, "knn")}%` : "—"}
              </td>
              <td className="num" data-testid="across-silhouette" data-value={r.last?.silhouette}>
                {r.last ? formatSeparation(r.last.silhouette, "silhouette") : "—"}
              </td>
              <td className="muted">{r.last ? `${r.last.layerName}, epoch ${r.last.epoch}` : "no probe embeddings"}</td>
              <td>{r.runId === current ? null : <Link href={compareHref([current, r.runId])}>compare</Link>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Counts are on each run&apos;s own test digits; runs evaluated on different numbers of digits are not directly
        comparable.
      </p>
    </section>
  );
}

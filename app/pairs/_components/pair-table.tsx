// The 45 digit pairs of a run ranked by test confusion (a→b plus b→a), each direction shown, the seed's pairs marked.
import Link from "next/link";
import type { PairCount } from "@/lib/numeric/metrics/pairs";
import { isSeedPair } from "@/lib/numeric/metrics/pairs";
import { pairHref } from "@/lib/chart/pair-view";
import styles from "./pairs.module.css";

export function SeedBadge() {
  return (
    <span className={styles.seed} title="named as confusable in the seed notebook">
      seed
    </span>
  );
}

export function PairTable({ pairs, runId }: { pairs: PairCount[]; runId: number }) {
  const max = Math.max(1, ...pairs.map((p) => p.total));
  return (
    <div className="card table-scroll">
      <table className="data" data-testid="pairs-table">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>pair</th>
            <th className="num">a → b</th>
            <th className="num">b → a</th>
            <th className="num">total</th>
            <th className={styles.barCell}>
              <span className={styles.legendA}>a→b</span> <span className={styles.legendB}>b→a</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {pairs.map((p, rank) => (
            <tr
              key={`${p.a}-${p.b}`}
              data-testid="pair-row"
              data-pair={`${p.a}-${p.b}`}
              data-total={p.total}
              data-seed={isSeedPair(p.a, p.b) ? "1" : "0"}
            >
              <td className="num">{rank + 1}</td>
              <td>
                <Link href={pairHref(p.a, p.b, runId)}>
                  {p.a} / {p.b}
                </Link>
                {isSeedPair(p.a, p.b) ? <SeedBadge /> : null}
              </td>
              <td className="num" data-testid="a-as-b" title={`true ${p.a} predicted ${p.b}`}>
                {p.a}→{p.b} <strong>{p.aAsB}</strong>
              </td>
              <td className="num" data-testid="b-as-a" title={`true ${p.b} predicted ${p.a}`}>
                {p.b}→{p.a} <strong>{p.bAsA}</strong>
              </td>
              <td className="num" data-testid="pair-total">
                {p.total}
              </td>
              <td className={styles.barCell}>
                <div className={styles.bar} style={{ width: `${(p.total / max) * 100}%` }}>
                  <div className={styles.barA} style={{ flex: p.aAsB }} />
                  <div className={styles.barB} style={{ flex: p.bAsA }} />
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

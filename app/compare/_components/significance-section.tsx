// "Is the difference real?": McNemar's test and the bootstrap interval of each run against A, in plain words.
import Link from "next/link";
import type { RunSignificance } from "@/lib/features/compare/significance";
import { describeDifference, formatPValue, formatPoints, SIGNIFICANCE_LEVEL } from "@/lib/chart/significance-text";
import { formatCount, formatPercent } from "@/lib/chart/ticks";
import styles from "./compare.module.css";

function Paired({ s }: { s: Extract<RunSignificance, { kind: "paired" }> }) {
  const { mcnemar: m, interval: iv } = s;
  const exact = m.test === "exact binomial";
  return (
    <div
      className={styles.significance}
      data-testid="significance"
      data-kind="paired"
      data-base={s.baseId}
      data-other={s.otherId}
      data-b={m.b}
      data-c={m.c}
      data-test={exact ? "exact" : "chi-square"}
      data-p-value={m.pValue}
      data-log-p-value={m.logPValue}
      data-difference={iv.difference}
      data-low={iv.low}
      data-high={iv.high}
    >
      <p className={styles.verdict} data-testid="significance-verdict">
        {describeDifference(s.baseId, s.otherId, iv.difference, m.logPValue)}.
      </p>
      <ul>
        <li>
          On the same {formatCount(s.n)} test digits: run <Link href={`/runs/${s.baseId}`}>#{s.baseId}</Link>{" "}
          {formatPercent(s.accuracyBase)}, run <Link href={`/runs/${s.otherId}`}>#{s.otherId}</Link>{" "}
          {formatPercent(s.accuracyOther)}; difference (#{s.otherId} − #{s.baseId}){" "}
          <strong data-testid="significance-difference">{formatPoints(iv.difference)} points</strong>, 95 % interval{" "}
          <strong data-testid="significance-interval">
            {formatPoints(iv.low)} to {formatPoints(iv.high)} points
          </strong>{" "}
          (paired bootstrap, {formatCount(iv.resamples)} resamples of the test digits).
        </li>
        <li>
          Only the digits the runs disagree on count: #{s.baseId} right and #{s.otherId} wrong on{" "}
          <strong data-testid="significance-b">{m.b}</strong>, the reverse on{" "}
          <strong data-testid="significance-c">{m.c}</strong>. McNemar&apos;s test,{" "}
          <span data-testid="significance-test">
            {exact
              ? "exact binomial (fewer than 25 such digits)"
              : `chi-square with continuity correction (χ² = ${m.statistic!.toFixed(2)})`}
          </span>
          : <strong data-testid="significance-p">p = {formatPValue(m.logPValue)}</strong>, the chance of a split at
          least this lopsided if both runs were equally accurate.
        </li>
      </ul>
    </div>
  );
}

export function SignificanceSection({ results }: { results: RunSignificance[] }) {
  if (results.length === 0) return null;
  return (
    <section className="card" data-testid="significance-section">
      <h2>Is the difference real?</h2>
      {results.map((s) =>
        s.kind === "paired" ? (
          <Paired key={s.otherId} s={s} />
        ) : (
          <div
            key={s.otherId}
            className={styles.significance}
            data-testid="significance"
            data-kind="unpaired"
            data-base={s.baseId}
            data-other={s.otherId}
          >
            <p className={styles.verdict}>
              Runs #{s.baseId} and #{s.otherId} cannot be paired: they were tested on different test subsets (
              {formatCount(s.baseCount)} and {formatCount(s.otherCount)} digits), so their accuracies are measured on
              different digits and no paired test applies. Train them with the same test size to compare them here.
            </p>
          </div>
        ),
      )}
      <p className="muted">
        A difference is called real when p &lt; {SIGNIFICANCE_LEVEL}; with several runs against A, some small p-values
        come by chance.
      </p>
    </section>
  );
}

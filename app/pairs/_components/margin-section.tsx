// The pair's margin p(a) − p(b) on the probe digits at every recorded epoch: one back-to-back histogram per epoch.
import { Suspense } from "react";
import { schemeCategory10 } from "d3";
import type { Db } from "@/lib/db/client";
import { fetchPairMargins, type EpochMargins } from "@/lib/features/pairs/pair-margins";
import { layoutMarginHistogram, peakShare, type MarginPlotSize } from "@/lib/chart/margin-histogram";
import styles from "./margin-section.module.css";

interface Props {
  db: Db;
  runId: number;
  a: number;
  b: number;
}

const SIZE: MarginPlotSize = { width: 200, height: 96, axis: 14 };

const signed = (v: number | null) => (v === null ? "—" : `${v > 0 ? "+" : v < 0 ? "−" : ""}${Math.abs(v).toFixed(2)}`);

function EpochHistogram({
  e,
  a,
  b,
  countA,
  countB,
  peak,
}: {
  e: EpochMargins;
  a: number;
  b: number;
  countA: number;
  countB: number;
  peak: number;
}) {
  const plot = layoutMarginHistogram(e.countsA, e.countsB, countA, countB, peak, SIZE);
  const [colourA, colourB] = [schemeCategory10[a]!, schemeCategory10[b]!];
  return (
    <figure
      className={styles.epoch}
      data-testid="margin-epoch"
      data-epoch={e.epoch}
      data-counts-a={e.countsA.join(",")}
      data-counts-b={e.countsB.join(",")}
      data-median-a={e.medianA ?? ""}
      data-median-b={e.medianB ?? ""}
    >
      <figcaption>
        <strong>epoch {e.epoch}</strong>{" "}
        <span className="muted">
          median {a}: {signed(e.medianA)}, {b}: {signed(e.medianB)}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${SIZE.width} ${SIZE.height}`}
        role="img"
        aria-label={`epoch ${e.epoch}: margins of ${countA} probe digits ${a} (above) and ${countB} digits ${b} (below); ${e.wrongA} ${a}s and ${e.wrongB} ${b}s on the wrong side of 0`}
      >
        <path d={plot.pathA} fill={colourA} fillOpacity={0.75} data-testid="margin-path-a" />
        <path d={plot.pathB} fill={colourB} fillOpacity={0.75} data-testid="margin-path-b" />
        <line x1={0} x2={SIZE.width} y1={plot.baselineY} y2={plot.baselineY} stroke="var(--line)" />
        <line
          x1={plot.zeroX}
          x2={plot.zeroX}
          y1={0}
          y2={SIZE.height - SIZE.axis}
          stroke="var(--fg)"
          strokeDasharray="2 2"
        />
        {plot.ticks.map((t) => (
          <text
            key={t.value}
            x={t.pos}
            y={SIZE.height - 2}
            fontSize={10}
            fill="var(--muted)"
            textAnchor={t.value < 0 ? "start" : t.value > 0 ? "end" : "middle"}
          >
            {t.label}
          </text>
        ))}
      </svg>
      <p className={styles.wrong}>
        wrong side: {e.wrongA} of {countA} · {e.wrongB} of {countB}
      </p>
    </figure>
  );
}

async function MarginDistributions({ db, runId, a, b }: Props) {
  const data = await fetchPairMargins(db, runId, a, b);
  if (!data) return null;
  const { countA, countB, epochs } = data;
  const peak = peakShare(epochs, countA, countB);
  return (
    <section
      className="card"
      id="margins"
      data-testid="margin-section"
      data-epochs={epochs.length}
      data-count-a={countA}
      data-count-b={countB}
    >
      <h2>
        Margin p({a}) − p({b}) at every epoch
      </h2>
      <p className="muted">
        On the probe digits:{" "}
        <span style={{ color: schemeCategory10[a] }}>
          {countA} labelled {a}
        </span>{" "}
        above the line,{" "}
        <span style={{ color: schemeCategory10[b] }}>
          {countB} labelled {b}
        </span>{" "}
        below it; bar heights are each class&apos;s share of its digits. A {a} should sit right of the dashed zero, a{" "}
        {b} left of it: digits on the wrong side are the pair&apos;s confusions, and the gap between the two humps is
        how far apart the model holds the pair.
      </p>
      {epochs.length === 0 ? (
        <p className="muted" data-testid="margin-empty">
          This run stored no per-epoch probe probabilities.
        </p>
      ) : (
        <div className={styles.grid}>
          {epochs.map((e) => (
            <EpochHistogram key={e.epoch} e={e} a={a} b={b} countA={countA} countB={countB} peak={peak} />
          ))}
        </div>
      )}
    </section>
  );
}

/** The section streamed in its own Suspense boundary, so the rest of the pair page does not wait for the blobs. */
export function MarginSection(props: Props) {
  return (
    <Suspense
      fallback={
        <section className="card">
          <p className="muted">Reading the probe probabilities of every epoch…</p>
        </section>
      }
    >
      <MarginDistributions {...props} />
    </Suspense>
  );
}

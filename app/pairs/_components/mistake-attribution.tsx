// The pair page's mean attribution maps: for "a taken for b" and "b taken for a", the mistakes' mean image and their
// mean gradient × input for the class they were taken for, from the run's best checkpoint.
import { Suspense } from "react";
import type { Db } from "@/lib/db/client";
import { fetchPairAttribution, type MistakeAttribution } from "@/lib/features/explain/pair-attribution";
import { sharedMaxAbs } from "@/lib/chart/attribution-overlay";
import { DigitCanvas } from "@/app/runs/[id]/_components/digit-canvas";
import { AttributionCanvas } from "@/app/_components/attribution-canvas";
import { AttributionLegend } from "@/app/_components/attribution-legend";
import styles from "./pairs.module.css";

interface Props {
  db: Db;
  runId: number;
  a: number;
  b: number;
}

function Direction({ m, maxAbs }: { m: MistakeAttribution; maxAbs: number }) {
  const gray = m.meanImage.map((v) => Math.round(v * 255));
  const name = `${m.trueLabel} taken for ${m.predicted}`;
  if (m.count === 0)
    return (
      <p className="muted" data-testid={`mistake-attribution-${m.trueLabel}-${m.predicted}`} data-count={0}>
        No {m.trueLabel} was taken for a {m.predicted}.
      </p>
    );
  return (
    <div
      className={styles.means}
      data-testid={`mistake-attribution-${m.trueLabel}-${m.predicted}`}
      data-count={m.count}
    >
      <figure>
        <DigitCanvas pixels={gray} label={`mean image of ${name}`} className={styles.heat} />
        <figcaption>
          mean of {m.count} {m.count === 1 ? "digit" : "digits"} {name}
        </figcaption>
      </figure>
      <figure>
        <AttributionCanvas
          pixels={gray}
          values={m.meanAttribution}
          maxAbs={maxAbs}
          label={`mean evidence for ${m.predicted} in ${name}`}
          className={styles.heat}
        />
        <figcaption>mean evidence for {m.predicted}</figcaption>
      </figure>
    </div>
  );
}

async function MistakeAttributionBody({ db, runId, a, b }: Props) {
  const pair = await fetchPairAttribution(db, runId, a, b);
  if (!pair) return <p className="muted">Appears once the run has a best checkpoint and final predictions.</p>;
  const maxAbs = sharedMaxAbs(pair.aAsB.meanAttribution, pair.bAsA.meanAttribution);
  return (
    <>
      <Direction m={pair.aAsB} maxAbs={maxAbs} />
      <Direction m={pair.bAsA} maxAbs={maxAbs} />
      <AttributionLegend maxAbs={maxAbs} negative="against the class taken" positive="for the class taken" />
      <p className="muted">
        Gradient × input of the logit of the class each digit was taken for, averaged over the run&apos;s misclassified
        test digits of that kind, from the best checkpoint (epoch {pair.epoch}); both directions share one scale.
        Computed in {Math.round(pair.computeMs)} ms, then kept in memory.
      </p>
    </>
  );
}

/** One card, streamed: the page renders while the model loads and the maps are computed. */
export function MistakeAttribution(props: Props) {
  return (
    <section className="card" data-testid="pair-attribution">
      <h2>What the model saw in the mistakes</h2>
      <Suspense fallback={<p className="muted">Computing the mean attribution maps…</p>}>
        <MistakeAttributionBody {...props} />
      </Suspense>
    </section>
  );
}

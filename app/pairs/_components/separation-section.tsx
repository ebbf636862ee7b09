// Where and when a pair separates: kNN purity / silhouette per layer × epoch (original embedding space) and the projected points.
import Link from "next/link";
import { Suspense } from "react";
import { schemeCategory10 } from "d3";
import type { Db } from "@/lib/db/client";
import type { PairRun } from "@/lib/features/pairs/pair-details";
import { fetchPairScatter, fetchSeparationPlan, SEPARATION_K } from "@/lib/features/pairs/pair-separation";
import { fetchStoredSeparationPlan } from "@/lib/features/pairs/stored-separation";
import { pairHref, type PairView } from "@/lib/chart/pair-view";
import { fitAffine, layoutBounds } from "@/lib/chart/scatter";
import { PairScatter } from "./pair-scatter";
import { SeparationSummary, SeparationTable } from "./separation-table";
import styles from "./pairs.module.css";

interface Props {
  db: Db;
  run: Pick<PairRun, "id" | "finishedAt">;
  a: number;
  b: number;
  view: PairView;
  /** The run is still training: show the cells its job has stored so far and compute none here. */
  training?: boolean;
}

const METRIC_LABEL = { knn: `kNN purity (k = ${SEPARATION_K}), %`, silhouette: "silhouette" } as const;
/** Side of each scatter's square, in canvas units. */
const SIZE = 220;

export async function SeparationSection({ db, run, a, b, view, training = false }: Props) {
  const [{ plan, pending }, scatter] = await Promise.all([
    training
      ? fetchStoredSeparationPlan(db, run.id, a, b)
      : fetchSeparationPlan(db, run, a, b).then((plan) => ({ plan, pending: 0 })),
    fetchPairScatter(db, run.id, a, b, view),
  ]);
  const href = (v: Partial<PairView>) => `${pairHref(a, b, run.id, { ...view, ...v })}#separation`;
  const colour = (label: number) => schemeCategory10[label]!;

  return (
    <section className="card" id="separation" data-testid="separation">
      <h2>
        Separation of {a} and {b} by layer and epoch
      </h2>
      <p className="muted">
        Measured in each layer&apos;s own activations (not the 2-D projections) on the probe digits: {plan.countA} of
        class {a} and {plan.countB} of class {b}. kNN purity is the share of each digit&apos;s {SEPARATION_K} nearest
        neighbours of its own class (50% = mixed, 100% = apart).
      </p>
      {training ? (
        <p className="muted" data-testid="separation-live" data-pending={pending}>
          The run is still training: its job stores these figures after every epoch ({plan.cellCount - pending} of{" "}
          {plan.cellCount} so far), and new epochs appear here as they are stored.
        </p>
      ) : plan.computedCount > 0 ? (
        <p className="muted" data-testid="separation-computing" data-missing={plan.computedCount}>
          Not precomputed for this run yet:{" "}
          {plan.computedCount === plan.cellCount ? "these" : `${plan.computedCount} of these ${plan.cellCount}`} figures
          are being computed by the server as the page loads (the rows appear as they are done) and kept in its memory
          until it restarts. The job worker stores them after training; <code>npm run pairs -- --run {run.id}</code>{" "}
          does it for an older run.
        </p>
      ) : (
        <p className="muted" data-testid="separation-stored">
          Precomputed after training for all 45 pairs.
        </p>
      )}
      <Suspense
        fallback={<p className="muted">Measuring every layer at every epoch; the rows appear as they are done…</p>}
      >
        <SeparationSummary plan={plan} partial={training} />
      </Suspense>
      <div className={styles.toggles}>
        <span className="muted">Show</span>
        {(["knn", "silhouette"] as const).map((m) => (
          <Link
            key={m}
            href={href({ metric: m })}
            className={`chip ${view.metric === m ? styles.active : ""}`}
            data-testid={`metric-${m}`}
          >
            {METRIC_LABEL[m]}
          </Link>
        ))}
      </div>
      <SeparationTable
        plan={plan}
        metric={view.metric}
        selectedEpoch={scatter.epoch}
        linkedEpochs={scatter.epochs}
        href={href}
      />
      <h3>In the 2-D projections{scatter.epoch !== null ? `, epoch ${scatter.epoch}` : ""}</h3>
      {scatter.method === null ? (
        <p className="muted" data-testid="no-projections">
          No projection of this run is stored yet: <code>npm run project -- --run {run.id}</code> computes them (the
          scores above do not need them).
        </p>
      ) : (
        <>
          <div className={styles.toggles}>
            {scatter.methods.map((m) => (
              <Link key={m} href={href({ method: m })} className={`chip ${scatter.method === m ? styles.active : ""}`}>
                {m === "tsne" ? "t-SNE" : "PCA"}
              </Link>
            ))}
            <span className="muted">· pick an epoch in the table, click a point to open the digit ·</span>
            <span style={{ color: colour(a) }}>● {a}</span>
            <span style={{ color: colour(b) }}>● {b}</span>
          </div>
          <div className={styles.scatters}>
            {scatter.layers.map((l) => {
              const bounds = layoutBounds([Float32Array.from(l.points.flatMap((p) => [p.x, p.y]))]);
              const f = bounds ? fitAffine(bounds, SIZE, SIZE, 10) : { ax: SIZE / 2, bx: 0, ay: SIZE / 2, by: 0 };
              return (
                <figure
                  key={l.layerIndex}
                  data-testid="pair-scatter"
                  data-layer={l.layerIndex}
                  data-points={l.points.length}
                >
                  <figcaption>{l.layerName}</figcaption>
                  <PairScatter
                    xy={l.points.flatMap((p) => [
                      Math.round((f.ax + f.bx * p.x) * 10) / 10,
                      Math.round((f.ay + f.by * p.y) * 10) / 10,
                    ])}
                    labels={l.points.map((p) => p.label)}
                    indices={l.points.map((p) => p.index)}
                    colours={{ [a]: colour(a), [b]: colour(b) }}
                    size={SIZE}
                    runId={run.id}
                    label={`${l.layerName}: ${l.points.length} probe digits ${a} and ${b}`}
                  />
                </figure>
              );
            })}
          </div>
        </>
      )}
    </section>
  );
}

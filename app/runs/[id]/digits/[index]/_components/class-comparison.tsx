"use client";
// The evidence for the predicted class beside the evidence for the true class, on one shared scale, and their
// difference (predicted − true: the pixels that favoured the prediction over the truth).
import type { AttributionMethod, BaselineKind } from "@/lib/core/attribution";
import { sharedMaxAbs, subtractMaps } from "@/lib/chart/attribution-overlay";
import { AttributionCanvas } from "@/app/_components/attribution-canvas";
import { AttributionLegend } from "@/app/_components/attribution-legend";
import { useAttributionMaps } from "./use-attribution";
import styles from "./attribution.module.css";

interface Props {
  runId: number;
  index: number;
  pixels: number[];
  trueLabel: number;
  method: AttributionMethod;
  baseline: BaselineKind;
  checkpoint: string;
}

export function ClassComparison({ runId, index, pixels, trueLabel, method, baseline, checkpoint }: Props) {
  const requests = (["predicted", "true"] as const).map((classChoice) => ({
    method,
    baseline,
    classChoice,
    checkpoint,
  }));
  const state = useAttributionMaps(runId, index, requests, `${method}/${baseline}/${checkpoint}`);
  const [pred, truth] = state.status === "ok" ? state.maps : [];
  const shared = pred && truth ? sharedMaxAbs(pred.values, truth.values) : 0;
  const difference = pred && truth ? subtractMaps(pred.values, truth.values) : null;
  const diffMax = difference ? sharedMaxAbs(difference) : 0;
  const predicted = pred?.meta.targetClass;
  return (
    <div data-testid="class-comparison">
      <h3>Predicted against true class</h3>
      {state.status === "error" ? <p className={styles.error}>{state.error}</p> : null}
      <div className={styles.row}>
        <figure>
          <AttributionCanvas
            pixels={pixels}
            values={pred?.values ?? null}
            maxAbs={shared}
            label="evidence for the predicted class"
            className={styles.medium}
            testId="attribution-predicted"
          />
          <figcaption>for {predicted ?? "the prediction"} (predicted)</figcaption>
        </figure>
        <figure>
          <AttributionCanvas
            pixels={pixels}
            values={truth?.values ?? null}
            maxAbs={shared}
            label="evidence for the true class"
            className={styles.medium}
            testId="attribution-true"
          />
          <figcaption>for {trueLabel} (true)</figcaption>
        </figure>
        <figure>
          <AttributionCanvas
            pixels={pixels}
            values={difference}
            maxAbs={diffMax}
            label="predicted minus true evidence"
            className={styles.medium}
            testId="attribution-difference"
          />
          <figcaption>
            {predicted ?? "predicted"} − {trueLabel}
          </figcaption>
        </figure>
        <AttributionLegend maxAbs={shared} negative="against" positive="for (left two)" />
      </div>
      {predicted === trueLabel ? (
        <p className="muted">The prediction is right: both maps are the same and their difference is zero.</p>
      ) : (
        <p className="muted">
          The difference is the map of logit({predicted}) − logit({trueLabel}) = log(p({predicted}) / p({trueLabel})):
          blue pixels favoured the prediction over the truth (own scale, ±{diffMax.toPrecision(3)}).
        </p>
      )}
    </div>
  );
}

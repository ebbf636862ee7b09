"use client";
// Small multiples of one class's evidence after every kept epoch, on one shared scale, so growth and fading compare.
import type { AttributionMethod, BaselineKind } from "@/lib/core/attribution";
import { sharedMaxAbs } from "@/lib/chart/attribution-overlay";
import { AttributionCanvas } from "@/app/_components/attribution-canvas";
import { useAttributionMaps, type CheckpointChoice } from "./use-attribution";
import styles from "./attribution.module.css";

interface Props {
  runId: number;
  index: number;
  pixels: number[];
  method: AttributionMethod;
  baseline: BaselineKind;
  /** The class the main map explains (resolved), or null until it is known. */
  targetClass: number | null;
  epochs: CheckpointChoice[];
  bestEpoch: number | null;
}

export function EpochEvidence({ runId, index, pixels, method, baseline, targetClass, epochs, bestEpoch }: Props) {
  const requests = epochs.map((c) => ({ method, baseline, classChoice: targetClass ?? 0, checkpoint: c.kind }));
  const state = useAttributionMaps(
    runId,
    index,
    targetClass === null ? [] : requests,
    `${method}/${baseline}/${targetClass}`,
  );
  const maps = state.status === "ok" && targetClass !== null ? state.maps : [];
  const shared = sharedMaxAbs(...maps.map((m) => m.values));
  return (
    <div data-testid="epoch-evidence">
      {state.status === "error" ? <p className={styles.error}>{state.error}</p> : null}
      <div className={styles.multiples}>
        {epochs.map((c, k) => {
          const map = maps[k];
          return (
            <figure key={c.kind} data-epoch={c.epoch}>
              <AttributionCanvas
                pixels={pixels}
                values={map?.values ?? null}
                maxAbs={shared}
                label={`evidence after epoch ${c.epoch}`}
                className={styles.small}
              />
              <figcaption>
                epoch {c.epoch}
                {c.epoch === bestEpoch ? " (best)" : ""}
                {map ? ` · p: ${map.meta.predicted}` : ""}
              </figcaption>
            </figure>
          );
        })}
      </div>
      <p className="muted">
        Evidence for class {targetClass ?? "…"} after each epoch, one shared scale (±{shared.toPrecision(3)});
        &ldquo;p&rdquo; is that epoch&apos;s prediction.
      </p>
    </div>
  );
}

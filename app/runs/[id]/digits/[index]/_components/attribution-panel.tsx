"use client";
// The inspector's attribution section: method, baseline, class and checkpoint pickers, the map over the digit with
// its legend, predicted against true class with their difference, and the evidence across kept epochs.
import { useState } from "react";
import {
  ATTRIBUTION_METHODS,
  BASELINES,
  describeMethod,
  METHOD_LABELS,
  usesBaseline,
  type AttributionMethod,
  type BaselineKind,
  type ClassChoice,
} from "@/lib/core/attribution";
import { sharedMaxAbs, formatSigned } from "@/lib/chart/attribution-overlay";
import { AttributionCanvas } from "@/app/_components/attribution-canvas";
import { AttributionLegend } from "@/app/_components/attribution-legend";
import { useAttributionMaps, type CheckpointChoice, type MapRequest } from "./use-attribution";
import { ClassComparison } from "./class-comparison";
import { EpochEvidence } from "./epoch-evidence";
import styles from "./attribution.module.css";

interface Props {
  runId: number;
  index: number;
  /** [784] 0..255 */
  pixels: number[];
  trueLabel: number;
  /** The best checkpoint's prediction, when the run has finished. */
  predicted: number | null;
  checkpoints: CheckpointChoice[];
}

function parseClass(value: string): ClassChoice {
  return value === "predicted" || value === "true" ? value : Number(value);
}

export function AttributionPanel({ runId, index, pixels, trueLabel, predicted, checkpoints }: Props) {
  const [method, setMethod] = useState<AttributionMethod>("integrated-gradients");
  const [baseline, setBaseline] = useState<BaselineKind>("black");
  const [classChoice, setClassChoice] = useState<ClassChoice>("predicted");
  const [checkpoint, setCheckpoint] = useState("best");
  const request: MapRequest = { method, baseline, classChoice, checkpoint };
  const key = `${method}/${baseline}/${classChoice}/${checkpoint}`;
  const main = useAttributionMaps(runId, index, [request], key);
  const map = main.status === "ok" ? main.maps[0]! : null;
  const maxAbs = map ? sharedMaxAbs(map.values) : 0;
  const epochs = checkpoints.filter((c) => c.kind !== "best");
  const best = checkpoints.find((c) => c.kind === "best");

  return (
    <section className="card" data-testid="attribution-panel">
      <h2>Which pixels pushed the prediction</h2>
      <div className={styles.pickers}>
        <label>
          method{" "}
          <select
            data-testid="attr-method"
            value={method}
            onChange={(e) => setMethod(e.target.value as AttributionMethod)}
          >
            {ATTRIBUTION_METHODS.map((m) => (
              <option key={m} value={m}>
                {METHOD_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <label>
          baseline{" "}
          <select
            data-testid="attr-baseline"
            value={baseline}
            disabled={!usesBaseline(method)}
            onChange={(e) => setBaseline(e.target.value as BaselineKind)}
          >
            {BASELINES.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <label>
          class{" "}
          <select
            data-testid="attr-class"
            value={String(classChoice)}
            onChange={(e) => setClassChoice(parseClass(e.target.value))}
          >
            <option value="predicted">predicted{predicted !== null ? ` (${predicted})` : ""}</option>
            <option value="true">true ({trueLabel})</option>
            {Array.from({ length: 10 }, (_, c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          weights{" "}
          <select data-testid="attr-checkpoint" value={checkpoint} onChange={(e) => setCheckpoint(e.target.value)}>
            {[...(best ? [best] : []), ...epochs].map((c) => (
              <option key={c.kind} value={c.kind}>
                {c.kind === "best" ? `best (epoch ${c.epoch})` : `after epoch ${c.epoch}`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className={styles.mainRow}>
        <AttributionCanvas
          pixels={pixels}
          values={map?.values ?? null}
          maxAbs={maxAbs}
          label={`attribution map of test digit ${index}`}
          className={styles.large}
          testId="attribution-main"
        />
        <div>
          <AttributionLegend maxAbs={maxAbs} negative="against the class" positive="for the class" />
          {main.status === "error" ? (
            <p className={styles.error} role="alert">
              {main.error}
            </p>
          ) : map ? (
            <p
              data-testid="attribution-meta"
              data-method={map.meta.method}
              data-class={map.meta.targetClass}
              data-sum={map.meta.sum}
            >
              Evidence for class <strong>{map.meta.targetClass}</strong> (the checkpoint predicts {map.meta.predicted}):{" "}
              {describeMethod(map.meta.method, map.meta.baseline)}. f is the class&apos;s logit,{" "}
              {map.meta.logit.toFixed(3)} here; the map sums to {formatSigned(map.meta.sum)}.
              {map.meta.completenessError !== null && map.meta.baselineLogit !== null ? (
                <>
                  {" "}
                  f(x) − f(baseline) = {formatSigned(map.meta.logit - map.meta.baselineLogit)}; completeness error{" "}
                  <strong data-testid="completeness-error">{(map.meta.completenessError * 100).toFixed(2)} %</strong>.
                </>
              ) : null}{" "}
              <span className="muted">
                ({map.meta.cache === "hit" ? "cached" : `computed in ${Math.round(map.meta.computeMs)} ms`})
              </span>
            </p>
          ) : (
            <p className="muted">Computing…</p>
          )}
        </div>
      </div>
      {predicted !== null ? (
        <ClassComparison
          runId={runId}
          index={index}
          pixels={pixels}
          trueLabel={trueLabel}
          method={method}
          baseline={baseline}
          checkpoint={checkpoint}
        />
      ) : null}
      <h3>Evidence across epochs</h3>
      {epochs.length ? (
        <EpochEvidence
          runId={runId}
          index={index}
          pixels={pixels}
          method={method}
          baseline={baseline}
          targetClass={map?.meta.targetClass ?? null}
          epochs={epochs}
          bestEpoch={best?.epoch ?? null}
        />
      ) : (
        <p className="muted" data-testid="no-epoch-weights">
          This run kept only its best checkpoint. Queue a job with &ldquo;Keep every epoch&apos;s weights&rdquo; (or
          train with --keep-epoch-weights) to see how the evidence changed from epoch to epoch.
        </p>
      )}
    </section>
  );
}

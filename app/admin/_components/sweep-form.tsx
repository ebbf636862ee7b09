"use client";
// The sweep form: lists or ranges for the swept hyperparameters, grid or random draws, the fields every job shares;
// the number of jobs and their summed estimated time and storage are computed in the browser before queueing.
import { useMemo, useState, type FormEvent, type ReactNode } from "react";
import { formatEta, type Calibration } from "@/lib/core/job-estimate";
import { costLimitProblems, estimateJobCost, formatBytes, totalCost, type CostLimits } from "@/lib/core/job-cost";
import { MAX_SWEEP_JOBS, parseSweepSpec, SWEEP_AXES, type SweepAxis } from "@/lib/core/sweep-spec";
import { sweepConfigs } from "@/lib/core/sweep-expand";
import { AXIS_SYNTAX, sweepSpecOfForm, type SweepFormValues } from "@/lib/core/sweep-form";
import { postAdmin } from "./admin-fetch";
import styles from "./job-form.module.css";

const AXIS_LABELS: Record<SweepAxis, string> = {
  learningRate: "Learning rates",
  hidden: "Hidden widths",
  dropout: "Dropout rates",
  optimizer: "Optimizers",
  batchSize: "Batch sizes",
  seed: "Random seeds",
};

const INITIAL: SweepFormValues = {
  name: "",
  mode: "grid",
  count: "8",
  drawSeed: "0",
  learningRate: "0.0003, 0.001, 0.003",
  hidden: "512,512,512 | 256,256",
  dropout: "",
  optimizer: "",
  batchSize: "",
  seed: "",
  architecture: "mlp",
  epochs: "",
  trainSize: "",
  validationSplit: "",
  testSize: "",
  probeSize: "",
  notes: "",
};

type Plan =
  | { ok: true; jobs: number; ms: number; bytes: number; overLimits: string[] }
  | { ok: false; count?: number; errors: Record<string, string[]> };

export function SweepForm(props: {
  csrfToken: string;
  calibrations: Record<"mlp" | "cnn", Calibration>;
  limits: CostLimits;
  onQueued: () => Promise<void>;
}) {
  const [values, setValues] = useState<SweepFormValues>(INITIAL);
  const [serverErrors, setServerErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [queued, setQueued] = useState<{ sweepId: number; jobs: number } | null>(null);
  const [busy, setBusy] = useState(false);

  // The same steps as the API: text → spec → validated spec → jobs → summed cost.
  const plan = useMemo((): Plan => {
    const built = sweepSpecOfForm(values);
    if (!built.ok) return built;
    const spec = parseSweepSpec(built.input);
    if (!spec.ok) return spec;
    const expanded = sweepConfigs(spec.spec);
    if (!expanded.ok) return expanded;
    const costs = expanded.configs.map((c) => estimateJobCost(c, props.calibrations[c.architecture.kind]));
    const total = totalCost(costs);
    return {
      ok: true,
      jobs: costs.length,
      ms: total.trainingMs,
      bytes: total.storageBytes,
      overLimits: costLimitProblems(costs, props.limits),
    };
  }, [values, props.calibrations, props.limits]);

  const errors = plan.ok ? serverErrors : { ...serverErrors, ...plan.errors };
  const set = (field: keyof SweepFormValues, value: string) => setValues((v) => ({ ...v, [field]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const built = sweepSpecOfForm(values);
    if (!built.ok) return;
    setBusy(true);
    setMessage(null);
    setQueued(null);
    try {
      const { status, body } = await postAdmin<{
        sweepId?: number;
        jobIds?: number[];
        error?: string;
        errors?: Record<string, string[]>;
      }>("/api/admin/sweeps", props.csrfToken, built.input);
      setServerErrors(body.errors ?? {});
      if (status === 201 && body.sweepId !== undefined) {
        setQueued({ sweepId: body.sweepId, jobs: body.jobIds?.length ?? 0 });
        await props.onQueued();
      } else if (status === 401) {
        setMessage("Your session has ended: log in again.");
      } else {
        setMessage(body.error ?? `Not queued (HTTP ${status}).`);
      }
    } catch (err) {
      setMessage(`Cannot reach the server: ${(err as Error).message}`);
    }
    setBusy(false);
  }

  /** Errors shown under a field: those keyed by it or by a path inside it (axes.learningRate.range.start). */
  const errorsOf = (key: string) =>
    Object.entries(errors)
      .filter(([k]) => k === key || k.startsWith(`${key}.`))
      .flatMap(([, list]) => list);
  const field = (name: keyof SweepFormValues, errorKey: string, label: string, input: ReactNode, hint?: string) => (
    <label className={styles.field} data-field={`sweep-${name}`}>
      <span className={styles.label}>{label}</span>
      {input}
      {hint ? <span className={styles.hint}>{hint}</span> : null}
      {errorsOf(errorKey).map((e) => (
        <span key={e} className={styles.error} data-testid={`sweep-error-${name}`}>
          {e}
        </span>
      ))}
    </label>
  );
  const text = (name: keyof SweepFormValues, placeholder?: string) => (
    <input
      name={`sweep-${name}`}
      value={values[name]}
      placeholder={placeholder}
      onChange={(e) => set(name, e.target.value)}
      aria-invalid={errorsOf(name).length ? true : undefined}
    />
  );
  const fixed = (name: keyof SweepFormValues, label: string) =>
    field(name, `fixed.${name}`, label, text(name, "default"), "the same for every job; empty = the preset's");

  return (
    <form className="card" onSubmit={submit} noValidate data-testid="sweep-form">
      <h2>New sweep</h2>
      <p className="muted">
        One training job per combination (grid) or per random draw (ranges drawn uniformly, learning rates on a log
        scale), at most {MAX_SWEEP_JOBS} jobs. An empty axis keeps the preset&apos;s value.
      </p>
      <fieldset className={styles.group}>
        <legend>Sweep</legend>
        {field(
          "name",
          "name",
          "Sweep name",
          text("name", "e.g. lr × width"),
          "each run is named after it and its values",
        )}
        {field(
          "mode",
          "mode",
          "Mode",
          <select name="sweep-mode" value={values.mode} onChange={(e) => set("mode", e.target.value)}>
            <option value="grid">grid: every combination</option>
            <option value="random">random: N seeded draws</option>
          </select>,
        )}
        {values.mode === "random" ? (
          <>
            {field("count", "count", "Draws", text("count"), `1 to ${MAX_SWEEP_JOBS} jobs`)}
            {field("drawSeed", "drawSeed", "Draw seed", text("drawSeed"), "the same seed draws the same jobs")}
          </>
        ) : null}
      </fieldset>
      <fieldset className={styles.group}>
        <legend>Swept hyperparameters</legend>
        {SWEEP_AXES.map((axis) => (
          <span key={axis}>{field(axis, `axes.${axis}`, AXIS_LABELS[axis], text(axis), AXIS_SYNTAX[axis])}</span>
        ))}
      </fieldset>
      <fieldset className={styles.group}>
        <legend>Fixed for every job</legend>
        {field(
          "architecture",
          "fixed.architecture",
          "Architecture",
          <select
            name="sweep-architecture"
            value={values.architecture}
            onChange={(e) => set("architecture", e.target.value)}
          >
            <option value="mlp">MLP</option>
            <option value="cnn">CNN preset</option>
          </select>,
        )}
        {fixed("epochs", "Epochs")}
        {fixed("trainSize", "Training digits")}
        {fixed("validationSplit", "Validation split")}
        {fixed("testSize", "Test digits")}
        {fixed("probeSize", "Probe set size")}
        {fixed("notes", "Notes")}
      </fieldset>
      <p data-testid="sweep-figures">
        {plan.ok ? (
          <>
            <strong data-testid="sweep-job-count">{plan.jobs}</strong> jobs · estimated time{" "}
            <strong data-testid="sweep-time">≈ {formatEta(plan.ms)}</strong>{" "}
            <span className="muted">(limit {formatEta(props.limits.maxTrainingMs)})</span> · storage{" "}
            <strong data-testid="sweep-storage">≈ {formatBytes(plan.bytes)}</strong>{" "}
            <span className="muted">
              (limit {formatBytes(props.limits.maxStorageBytes)}; one worker runs them in turn)
            </span>
            {plan.overLimits.map((problem) => (
              <span key={problem} className={styles.limit} data-testid="sweep-cost-limit">
                Not queueable: {problem}.
              </span>
            ))}
          </>
        ) : (
          <span className="muted">
            {plan.count !== undefined ? `${plan.count} jobs: ` : ""}the count and cost appear once every field is valid.
          </span>
        )}
      </p>
      {errorsOf("body").map((e) => (
        <p key={e} className={styles.error}>
          {e}
        </p>
      ))}
      <button type="submit" disabled={busy || !plan.ok || plan.overLimits.length > 0}>
        {busy ? "Queueing…" : "Queue sweep"}
      </button>
      {message ? (
        <span role="status" data-testid="sweep-message" style={{ marginLeft: 12 }}>
          {message}
        </span>
      ) : null}
      {queued ? (
        <span role="status" data-testid="sweep-queued" style={{ marginLeft: 12 }}>
          Queued {queued.jobs} jobs: <a href={`/sweeps/${queued.sweepId}`}>sweep #{queued.sweepId}</a>
        </span>
      ) : null}
    </form>
  );
}

"use client";
// The job form: every hyperparameter with its allowed range (from the training schema), the parameter count and
// an estimated time computed as you type, and the server's field errors after submitting.
import { useMemo, useState, type FormEvent, type ReactNode } from "react";
import { formatEta, type Calibration } from "@/lib/core/job-estimate";
import {
  costLimitProblems,
  estimateCrossvalCost,
  estimateJobCost,
  formatBytes,
  type CostLimits,
} from "@/lib/core/job-cost";
import {
  describeRange,
  PRESET_FIELDS,
  presetFormValues,
  switchArchitecture,
  type JobFormSpecs,
  type NumberFieldSpec,
} from "@/lib/core/job-form-fields";
import { countParams } from "@/lib/core/param-count";
import { CROSSVAL_FOLDS, parseJobForm, parseJobKind, type FieldErrors, type JobFormField } from "@/lib/core/job-params";
import { postAdmin } from "./admin-fetch";
import styles from "./job-form.module.css";

type Values = Record<JobFormField, string>;

function initialValues(specs: JobFormSpecs): Values {
  const d = (spec: NumberFieldSpec) => (spec.default === undefined ? "" : String(spec.default));
  return {
    name: "",
    notes: "",
    architecture: "mlp",
    hidden: specs.hidden.default.join(","),
    dropout: d(specs.dropout.mlp),
    optimizer: specs.defaultOptimizer,
    learningRate: d(specs.learningRate),
    batchSize: d(specs.batchSize),
    epochs: d(specs.epochs),
    validationSplit: d(specs.validationSplit),
    trainSize: d(specs.trainSize),
    testSize: d(specs.testSize),
    probeSize: d(specs.probeSize),
    seed: d(specs.seed),
    keepEpochWeights: "",
  };
}

const OPTIMIZER_LABELS: Record<string, string> = {
  rmsprop: "RMSprop (the seed's)",
  adam: "Adam",
  sgd: "SGD with momentum 0.9",
};

export function JobForm(props: {
  csrfToken: string;
  specs: JobFormSpecs;
  calibrations: Record<"mlp" | "cnn", Calibration>;
  /** The server's per-request limits (MAX_JOB_TRAINING_HOURS, MAX_JOB_STORAGE_GB), shown beside the estimates. */
  limits: CostLimits;
  onQueued: () => Promise<void>;
}) {
  const { specs } = props;
  const [values, setValues] = useState<Values>(() => initialValues(specs));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // What the job runs: a training run, or k-fold cross-validation of the training set with these settings.
  const [jobKind, setJobKind] = useState<{ kind: "train" | "crossval"; folds: string }>({
    kind: "train",
    folds: String(CROSSVAL_FOLDS.default),
  });
  const kindFields = useMemo(
    () => (jobKind.kind === "crossval" ? { kind: "crossval", folds: jobKind.folds } : {}),
    [jobKind],
  );
  const parsedKind = useMemo(() => parseJobKind(kindFields), [kindFields]);

  const parsed = useMemo(() => parseJobForm(values), [values]);
  const figures = useMemo(() => {
    if (!parsed.ok || !parsedKind.ok) return null;
    const calibration = props.calibrations[parsed.config.architecture.kind];
    const job = parsedKind.job;
    const cost =
      job.kind === "crossval"
        ? estimateCrossvalCost(parsed.config, job.folds, calibration)
        : estimateJobCost(parsed.config, calibration);
    return {
      params: countParams(parsed.config.architecture),
      epochWeightsBytes: countParams(parsed.config.architecture) * 4 * parsed.config.epochs,
      ms: cost.trainingMs,
      bytes: cost.storageBytes,
      overLimits: costLimitProblems([cost], props.limits),
      source: calibration.source,
    };
  }, [parsed, parsedKind, props.calibrations, props.limits]);

  const set = (field: JobFormField, value: string) => {
    // Switching architecture brings that preset's dropout, optimizer, learning rate and epochs along, except where
    // the admin has changed a field from the previous preset's default.
    setValues((v) => (field === "architecture" ? switchArchitecture(v, value) : { ...v, [field]: value }));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    // A training job's body is exactly the form's fields, as before cross-validation jobs existed.
    const body: Partial<Values> & { kind?: string; folds?: string } = { ...values, ...kindFields };
    if (values.architecture === "cnn") delete body.hidden;
    try {
      const { status, body: answer } = await postAdmin<{
        jobId?: number;
        error?: string;
        fieldErrors?: FieldErrors;
        formErrors?: string[];
      }>("/api/admin/jobs", props.csrfToken, body);
      setErrors(answer.fieldErrors ?? {});
      setFormErrors(answer.formErrors ?? []);
      if (status === 201) {
        setMessage(`Queued job #${answer.jobId}.`);
        await props.onQueued();
      } else if (status === 401) {
        setMessage("Your session has ended: log in again.");
      } else {
        setMessage(answer.error ?? `Not queued (HTTP ${status}).`);
      }
    } catch (err) {
      setMessage(`Cannot reach the server: ${(err as Error).message}`);
    }
    setBusy(false);
  }

  const field = (name: JobFormField, label: string, input: ReactNode, hint?: string) => (
    <label className={styles.field} data-field={name}>
      <span className={styles.label}>{label}</span>
      {input}
      {hint ? <span className={styles.hint}>{hint}</span> : null}
      {errors[name]?.map((e) => (
        <span key={e} className={styles.error} data-testid={`error-${name}`}>
          {e}
        </span>
      ))}
    </label>
  );
  const numberInput = (name: JobFormField, spec: NumberFieldSpec, step: string) => (
    <input
      name={name}
      type="number"
      inputMode="decimal"
      step={step}
      value={values[name]}
      aria-invalid={errors[name] ? true : undefined}
      onChange={(e) => set(name, e.target.value)}
      {...(spec.min !== undefined && !spec.minExclusive ? { min: spec.min } : {})}
      {...(spec.max !== undefined && !spec.maxExclusive ? { max: spec.max } : {})}
    />
  );
  const kind = values.architecture === "cnn" ? "cnn" : "mlp";
  const preset = presetFormValues(kind);
  /** "seed 16" for the MLP, "CNN preset 12" for the CNN where its preset sets the field. */
  const defaultNote = (name: JobFormField, spec: NumberFieldSpec) => {
    const presetField = PRESET_FIELDS.find((f) => f === name);
    if (presetField) return `; ${kind === "cnn" ? "CNN preset" : "seed"} ${preset[presetField]}`;
    return spec.default !== undefined ? `; seed ${spec.default}` : "";
  };
  const ranged = (name: JobFormField, label: string, spec: NumberFieldSpec, step = spec.integer ? "1" : "any") =>
    field(name, label, numberInput(name, spec, step), `${describeRange(spec)}${defaultNote(name, spec)}`);
  const dropoutSpec = values.architecture === "cnn" ? specs.dropout.cnn : specs.dropout.mlp;
  const { width } = specs.hidden;

  return (
    <form className="card" onSubmit={submit} noValidate data-testid="job-form">
      <h2>New training job</h2>
      <fieldset className={styles.group}>
        <legend>Job</legend>
        <label className={styles.field} data-field="kind">
          <span className={styles.label}>Kind</span>
          <select
            name="kind"
            value={jobKind.kind}
            onChange={(e) => setJobKind((j) => ({ ...j, kind: e.target.value === "crossval" ? "crossval" : "train" }))}
          >
            <option value="train">train: one run</option>
            <option value="crossval">crossval: k models, out-of-fold training-set probabilities for /labels</option>
          </select>
          {errors.kind?.map((e) => (
            <span key={e} className={styles.error} data-testid="error-kind">
              {e}
            </span>
          ))}
        </label>
        {jobKind.kind === "crossval" ? (
          <label className={styles.field} data-field="folds">
            <span className={styles.label}>Folds</span>
            <input
              name="folds"
              type="number"
              min={CROSSVAL_FOLDS.min}
              max={CROSSVAL_FOLDS.max}
              step="1"
              value={jobKind.folds}
              onChange={(e) => setJobKind((j) => ({ ...j, folds: e.target.value }))}
            />
            <span className={styles.hint}>
              {CROSSVAL_FOLDS.min} to {CROSSVAL_FOLDS.max}; each fold&apos;s model trains on the others for the epochs
              below (no validation split) and predicts its own fold
            </span>
            {(errors.folds ?? (!parsedKind.ok ? [parsedKind.message] : [])).map((e) => (
              <span key={e} className={styles.error} data-testid="error-folds">
                {e}
              </span>
            ))}
          </label>
        ) : null}
      </fieldset>
      <fieldset className={styles.group}>
        <legend>Model</legend>
        {field(
          "architecture",
          "Architecture",
          <select name="architecture" value={values.architecture} onChange={(e) => set("architecture", e.target.value)}>
            <option value="mlp">MLP (the seed: 3 × Dense 512)</option>
            <option value="cnn">CNN preset</option>
          </select>,
          values.architecture === "mlp"
            ? "Flatten → Dense (ReLU) → Dropout, per hidden layer → Dense 10 softmax"
            : "Conv 32 3×3 → MaxPool → Conv 64 3×3 → MaxPool → Dense 128 → Dropout → Dense 10 softmax",
        )}
        {values.architecture === "mlp"
          ? field(
              "hidden",
              "Hidden layer widths",
              <input
                name="hidden"
                value={values.hidden}
                onChange={(e) => set("hidden", e.target.value)}
                aria-invalid={errors.hidden ? true : undefined}
              />,
              `comma-separated, ${width.min} to ${width.max} units each, ${specs.hidden.minLayers} to ${specs.hidden.maxLayers} layers; seed ${specs.hidden.default.join(",")}`,
            )
          : null}
        {ranged("dropout", "Dropout rate", dropoutSpec)}
      </fieldset>
      <fieldset className={styles.group}>
        <legend>Optimisation</legend>
        {field(
          "optimizer",
          "Optimizer",
          <select name="optimizer" value={values.optimizer} onChange={(e) => set("optimizer", e.target.value)}>
            {specs.optimizers.map((o) => (
              <option key={o} value={o}>
                {OPTIMIZER_LABELS[o] ?? o}
              </option>
            ))}
          </select>,
          `${kind === "cnn" ? "CNN preset" : "seed"} ${preset.optimizer}`,
        )}
        {ranged("learningRate", "Learning rate", specs.learningRate)}
        {ranged("batchSize", "Batch size", specs.batchSize)}
        {ranged("epochs", "Epochs", specs.epochs)}
        {ranged("seed", "Random seed", specs.seed)}
      </fieldset>
      <fieldset className={styles.group}>
        <legend>Data</legend>
        {ranged("trainSize", "Training digits (incl. validation)", specs.trainSize)}
        {ranged("validationSplit", "Validation split", specs.validationSplit)}
        {ranged("testSize", "Test digits evaluated", specs.testSize)}
        {ranged("probeSize", "Probe set size (embeddings kept per epoch)", specs.probeSize, "1")}
        {field(
          "keepEpochWeights",
          "Keep every epoch's weights",
          <input
            name="keepEpochWeights"
            type="checkbox"
            checked={values.keepEpochWeights === "on"}
            onChange={(e) => set("keepEpochWeights", e.target.checked ? "on" : "")}
          />,
          `for the digit inspector's evidence across epochs; adds parameters × 4 bytes × epochs${
            figures ? ` = ${formatBytes(figures.epochWeightsBytes)}` : ""
          } (counted in the storage below)`,
        )}
      </fieldset>
      <fieldset className={styles.group}>
        <legend>Run</legend>
        {field(
          "name",
          "Run name",
          <input
            name="name"
            value={values.name}
            maxLength={specs.nameMaxLength}
            placeholder="default: seed MLP / MLP 256-128 / CNN preset"
            onChange={(e) => set("name", e.target.value)}
          />,
          `up to ${specs.nameMaxLength} characters`,
        )}
        {field(
          "notes",
          "Notes",
          <textarea
            name="notes"
            rows={2}
            value={values.notes}
            maxLength={specs.notesMaxLength}
            onChange={(e) => set("notes", e.target.value)}
          />,
          `up to ${specs.notesMaxLength} characters`,
        )}
      </fieldset>
      <p data-testid="job-figures">
        {figures ? (
          <>
            <strong data-testid="param-count">{figures.params.toLocaleString("en-US")}</strong> parameters · estimated
            time <strong data-testid="time-estimate">≈ {formatEta(figures.ms)}</strong>{" "}
            <span className="muted">(limit {formatEta(props.limits.maxTrainingMs)})</span> · storage{" "}
            <strong data-testid="storage-estimate">≈ {formatBytes(figures.bytes)}</strong>{" "}
            <span className="muted">(limit {formatBytes(props.limits.maxStorageBytes)})</span>{" "}
            <span className="muted">({figures.source}; a queued job waits for the ones before it)</span>
            {figures.overLimits.map((problem) => (
              <span key={problem} className={styles.limit} data-testid="cost-limit">
                Not queueable: {problem}.
              </span>
            ))}
          </>
        ) : (
          <span className="muted">
            Parameter count and time appear once every field is valid
            {!parsed.ok ? `: check ${Object.keys(parsed.fieldErrors).join(", ") || parsed.formErrors.join("; ")}` : ""}.
          </span>
        )}
      </p>
      {formErrors.map((e) => (
        <p key={e} className={styles.error}>
          {e}
        </p>
      ))}
      <button type="submit" disabled={busy || (figures !== null && figures.overLimits.length > 0)}>
        {busy ? "Queueing…" : "Queue job"}
      </button>
      {message ? (
        <span role="status" data-testid="form-message" style={{ marginLeft: 12 }}>
          {message}
        </span>
      ) : null}
    </form>
  );
}

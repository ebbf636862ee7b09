// What a job will cost before it is queued: its estimated training time (lib/core/job-estimate.ts) and the bytes
// its run will store, checked against the server's limits (MAX_JOB_TRAINING_HOURS, MAX_JOB_STORAGE_GB). Pure: the
// admin form shows the same figures and limits in the browser as the API enforces.
import { NUM_CLASSES } from "./constants";
import { countParams, forwardFlopsPerDigit } from "./param-count";
import { estimateJobMs, formatEta, type Calibration } from "./job-estimate";
import type { Architecture, TrainConfig } from "./train-config";

/** lib/model/create.ts's MAX_BLOCK_VALUES: a conv block's recorded values per digit (pooled 2×2 until they fit). */
export const RECORDED_BLOCK_VALUES = 2048;
const FLOAT_BYTES = 4;
/** Projection methods stored per source (PCA, t-SNE, UMAP), and the t-SNE replay snapshots kept for the test views. */
const PROJECTION_METHODS = 3;
const TEST_SNAPSHOTS = 4;
const PAIRS = 45;
/** A PairSeparation row with its index entry, roughly. */
const PAIR_ROW_BYTES = 96;

export interface CostLimits {
  /** Estimated training time of everything queued in one request, ms. */
  maxTrainingMs: number;
  /** Storage of everything queued in one request, bytes. */
  maxStorageBytes: number;
}

export interface JobCost {
  trainingMs: number;
  storageBytes: number;
}

/** Values per digit of each layer whose activations are recorded every epoch, in the order they are stored. */
export function recordedLayerWidths(architecture: Architecture): number[] {
  if (architecture.kind === "mlp") return [...architecture.hidden];
  const widths: number[] = [];
  let side = 28;
  for (const filters of architecture.filters) {
    side = Math.floor((side - 2) / 2); // 3×3 valid convolution, then 2×2 max-pool
    let recorded = side;
    while (recorded * recorded * filters > RECORDED_BLOCK_VALUES) recorded = Math.ceil(recorded / 2);
    widths.push(recorded * recorded * filters);
  }
  return [...widths, architecture.dense];
}

/** Bytes a run of `config` stores, by part (blob payloads; SQLite's page overhead on them is about 1 %). */
export function estimateJobBytes(
  config: Pick<TrainConfig, "architecture" | "epochs" | "testSize" | "probeSize"> & { keepEpochWeights?: boolean },
): {
  embeddings: number;
  checkpoints: number;
  predictions: number;
  projections: number;
  total: number;
} {
  const widths = recordedLayerWidths(config.architecture);
  const perDigit = widths.reduce((a, b) => a + b, 0);
  const lastWidth = widths.at(-1) ?? 0;
  const probeSources = widths.length * config.epochs;
  // Every epoch: each recorded layer for the probe digits and their softmax; once: the last layer for the test set.
  const embeddings =
    config.epochs * config.probeSize * (perDigit + NUM_CLASSES) * FLOAT_BYTES +
    config.testSize * lastWidth * FLOAT_BYTES;
  // The best epoch's weights (one checkpoint, overwritten when an epoch improves), and with keepEpochWeights one
  // more per epoch.
  const checkpoints =
    countParams(config.architecture) * FLOAT_BYTES * (1 + (config.keepEpochWeights ? config.epochs : 0));
  // Predicted label, probabilities and (at most) every index misclassified, for each test digit.
  const predictions = config.testSize * (1 + NUM_CLASSES * FLOAT_BYTES + FLOAT_BYTES) + config.probeSize * FLOAT_BYTES;
  // 2-D layouts of every probe source plus the probe's pixels, and of the test set's last layer and pixels with
  // their t-SNE snapshots; the 45 pairs' scores per source.
  const projections =
    (probeSources + 1) * config.probeSize * 2 * FLOAT_BYTES * PROJECTION_METHODS +
    2 * config.testSize * 2 * FLOAT_BYTES * (PROJECTION_METHODS + TEST_SNAPSHOTS) +
    (probeSources + 1) * PAIRS * PAIR_ROW_BYTES;
  return {
    embeddings,
    checkpoints,
    predictions,
    projections,
    total: embeddings + checkpoints + predictions + projections,
  };
}

/** A job's estimated training time with `calibration` and its storage. */
export function estimateJobCost(config: TrainConfig, calibration: Calibration): JobCost {
  return { trainingMs: estimateJobMs(config, calibration), storageBytes: estimateJobBytes(config).total };
}

/** "812 kB", "1.3 GB", "655 GB": decimal units, as disks are sold and MAX_JOB_STORAGE_GB is read. */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** The sum of several jobs' costs (a sweep queued in one request is limited as a whole). */
export function totalCost(costs: readonly JobCost[]): JobCost {
  return costs.reduce(
    (sum, c) => ({ trainingMs: sum.trainingMs + c.trainingMs, storageBytes: sum.storageBytes + c.storageBytes }),
    { trainingMs: 0, storageBytes: 0 },
  );
}

/**
 * Why `costs` (the jobs of one request) may not be queued under `limits`, one message per limit passed, each with
 * the estimate and the limit; empty when they may.
 */
export function costLimitProblems(costs: readonly JobCost[], limits: CostLimits): string[] {
  const total = totalCost(costs);
  const what = costs.length === 1 ? "this job" : `these ${costs.length} jobs together`;
  const problems: string[] = [];
  if (total.trainingMs > limits.maxTrainingMs) {
    problems.push(
      `${what} would train for an estimated ${formatEta(total.trainingMs)}, over the server's limit of ${formatEta(limits.maxTrainingMs)} (MAX_JOB_TRAINING_HOURS)`,
    );
  }
  if (total.storageBytes > limits.maxStorageBytes) {
    problems.push(
      `${what} would store an estimated ${formatBytes(total.storageBytes)}, over the server's limit of ${formatBytes(limits.maxStorageBytes)} (MAX_JOB_STORAGE_GB)`,
    );
  }
  return problems;
}

/**
 * A cross-validation job's cost: `folds` models, each training on (folds − 1)/folds of the digits for the config's
 * epochs and predicting the rest once; it stores float32 [trainSize, 10] probabilities and a uint8 fold per digit.
 */
export function estimateCrossvalCost(config: TrainConfig, folds: number, calibration: Calibration): JobCost {
  const perFold = estimateJobMs(
    {
      architecture: config.architecture,
      epochs: config.epochs,
      trainSize: Math.ceil((config.trainSize * (folds - 1)) / folds),
      validationSplit: 0,
      testSize: 0,
    },
    { ...calibration, overheadMs: 0 },
  );
  const predictMs = (config.trainSize * forwardFlopsPerDigit(config.architecture) * calibration.nsPerEvalFlop) / 1e6;
  return {
    trainingMs: folds * perFold + predictMs + calibration.overheadMs,
    storageBytes: config.trainSize * (NUM_CLASSES * FLOAT_BYTES + 1),
  };
}

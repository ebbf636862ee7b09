// Time estimates for a job: before it is queued (from the architecture's FLOPs and a measured speed) and while it
// runs (from its own batch timings). Pure: the admin form computes the first in the browser.
import { splitSizes, type TrainConfig } from "./train-config";
import { forwardFlopsPerDigit } from "./param-count";

/** Measured speed of this machine's training, in nanoseconds per floating-point operation. */
export interface Calibration {
  /** Training: an epoch's durationMs over (training digits x 3 x forward FLOPs per digit). */
  nsPerTrainFlop: number;
  /** Evaluation after each epoch (validation + test forward passes): evalMs over (digits x forward FLOPs). */
  nsPerEvalFlop: number;
  /** Per job, independent of its size: process start, tfjs and wasm init, MNIST parsing, final evaluation. */
  overheadMs: number;
  /** Where the figures come from, shown next to the estimate. */
  source: string;
}

/**
 * Used until this database holds a finished epoch. Measured on the 2-core development machine, idle, wasm backend
 * with the fast kernels: the seed run (`npm run train`, 16 epochs) trained at a median 0.054 ns per training FLOP
 * (14-18 s an epoch) and evaluated at 0.050 ns per forward FLOP (~2 s); process start, data, baseline and the
 * final evaluation took ~7 s besides. (Session 2's kernels, at load ~13: 0.84 and 1.3 ns, 21 s; that estimated the
 * 4.6-minute seed run at over an hour.)
 */
export const MEASURED_CALIBRATION: Calibration = {
  nsPerTrainFlop: 0.055,
  nsPerEvalFlop: 0.05,
  overheadMs: 7_000,
  source: "a constant measured on the development machine (no finished epoch in this database yet)",
};

/** Expected wall time of a job in milliseconds. */
export function estimateJobMs(
  config: Pick<TrainConfig, "architecture" | "epochs" | "trainSize" | "testSize" | "validationSplit">,
  calibration: Calibration,
): number {
  const flops = forwardFlopsPerDigit(config.architecture);
  const { train, val } = splitSizes(config);
  const trainMs = (train * 3 * flops * calibration.nsPerTrainFlop) / 1e6;
  const evalMs = ((val + config.testSize) * flops * calibration.nsPerEvalFlop) / 1e6;
  // The final evaluation of the best checkpoint is one more test pass.
  const finalMs = (config.testSize * flops * calibration.nsPerEvalFlop) / 1e6;
  return config.epochs * (trainMs + evalMs) + finalMs + calibration.overheadMs;
}

export interface RunningProgress {
  epochs: number;
  /** 1-based epoch being trained. */
  epoch: number;
  /** Batches done in it, and its batch count. */
  batch: number;
  batches: number;
  /** Time since the epoch started. */
  elapsedInEpochMs: number;
  /** Full wall time (training + evaluation + recording) of each finished epoch. */
  finishedEpochMs: number[];
}

/** Remaining time of a running training: the rest of this epoch at its own batch pace, then the mean finished epoch. */
export function estimateRemainingMs(p: RunningProgress): number {
  const msPerBatch = p.batch > 0 ? p.elapsedInEpochMs / p.batch : 0;
  const meanEpochMs =
    p.finishedEpochMs.length > 0
      ? p.finishedEpochMs.reduce((a, b) => a + b, 0) / p.finishedEpochMs.length
      : p.batches * msPerBatch;
  const restOfEpoch = Math.max(0, p.batches - p.batch) * msPerBatch;
  return Math.round(restOfEpoch + Math.max(0, p.epochs - p.epoch) * meanEpochMs);
}

/** "45 s", "3 min 20 s", "2 h 05 min". */
export function formatEta(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

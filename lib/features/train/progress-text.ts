// Human-readable training progress: epoch lines as Keras prints them, a batch bar, durations (pure).
import type { TrainEvent } from "./run-training";

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** "[=====>      ] 120/375  loss 0.3012  ETA 21s" for the current epoch. */
export function formatBatchBar(e: Extract<TrainEvent, { type: "batch" }>, width = 30): string {
  const done = Math.round((e.batch / e.batches) * width);
  const bar =
    "=".repeat(Math.max(0, done - 1)) +
    (done > 0 ? (e.batch === e.batches ? "=" : ">") : "") +
    " ".repeat(width - done);
  const eta = (e.elapsedMs / e.batch) * (e.batches - e.batch);
  return `epoch ${e.epoch} [${bar}] ${e.batch}/${e.batches}  loss ${e.loss.toFixed(4)}  ETA ${formatDuration(eta)}`;
}

export function formatEpochLine(e: Extract<TrainEvent, { type: "epoch" }>): string {
  return (
    `epoch ${e.epoch}/${e.epochs}  loss ${e.loss.toFixed(4)}  accuracy ${e.accuracy.toFixed(4)}  ` +
    `val_loss ${e.valLoss.toFixed(4)}  val_accuracy ${e.valAccuracy.toFixed(4)}  ` +
    `${formatDuration(e.durationMs)} (+${(e.evalMs / 1000).toFixed(1)}s eval, ${Math.round(e.recordMs)}ms record` +
    `${e.dynamicsMs !== undefined ? `, ${Math.round(e.dynamicsMs)}ms dynamics` : ""})` +
    `${e.improved ? "  val_loss improved, checkpoint saved" : ""}  ETA ${formatDuration(e.etaMs)}`
  );
}

/** The trainer's wait for the projection follower, as the trainer and the worker log it. */
export function formatFollowerWait(e: Extract<TrainEvent, { type: "follower-wait" }>): string {
  const ms = Math.round(e.waitedMs);
  const previous = e.epoch - 1;
  switch (e.outcome) {
    case "ready":
      return `waited ${ms} ms for the projection follower's epoch ${previous} figures before recording epoch ${e.epoch}`;
    case "timeout":
      return `gave up waiting for the projection follower's epoch ${previous} figures after ${ms} ms: epoch ${e.epoch} recorded before them`;
    case "detached":
      return `the projection follower stopped while training waited ${ms} ms for its epoch ${previous} figures`;
    case "stopped":
      return `training stopped while waiting ${ms} ms for the projection follower's epoch ${previous} figures`;
  }
}

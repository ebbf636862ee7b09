// Progress and ETA of a training run from its recorded epochs and live batch counters (pure).

export interface ProgressInput {
  /** Finished (recorded) epochs. */
  epochsDone: number;
  epochsPlanned: number;
  /** Run.progressEpoch: epochs finished when the batch counter was written. */
  progressEpoch: number;
  /** Run.progressBatch: batches done within the epoch after `progressEpoch`. */
  progressBatch: number;
  batchesPerEpoch: number;
  /** Wall time of each finished epoch in ms (training + evaluation + recording). */
  epochMs: readonly number[];
  /** When training started and now, in ms since the epoch (Date.getTime()). */
  startedAtMs: number | null;
  nowMs: number;
}

export interface Progress {
  /** 0..1 of the planned batches. */
  fraction: number;
  /** Estimated ms left, or null before anything can be estimated. */
  etaMs: number | null;
}

export function trainingProgress(input: ProgressInput): Progress {
  const planned = Math.max(1, input.epochsPlanned);
  const batchFraction =
    input.batchesPerEpoch > 0 && input.progressEpoch === input.epochsDone
      ? Math.min(1, input.progressBatch / input.batchesPerEpoch)
      : 0;
  const doneEpochs = Math.min(planned, input.epochsDone + batchFraction);
  const fraction = doneEpochs / planned;
  let perEpochMs: number | null = null;
  if (input.epochMs.length > 0) {
    perEpochMs = input.epochMs.reduce((a, b) => a + b, 0) / input.epochMs.length;
  } else if (batchFraction > 0 && input.startedAtMs !== null) {
    perEpochMs = (input.nowMs - input.startedAtMs) / batchFraction;
  }
  const etaMs = perEpochMs === null ? null : Math.max(0, (planned - doneEpochs) * perEpochMs);
  return { fraction, etaMs };
}

/** "45s", "3m 05s", "1h 02m". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

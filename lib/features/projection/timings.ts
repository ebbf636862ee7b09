// Where a projection's time goes (ms per phase), summed over its layouts: the follower's log and npm run bench:project.

/** Milliseconds spent per phase. prepare = createTsne (PCA to 50 columns, kNN, perplexity-calibrated P). */
export interface PhaseTimings {
  read: number;
  pca: number;
  prepare: number;
  optimise: number;
  quality: number;
  pairs: number;
  umap: number;
  write: number;
}

export function createTimings(): PhaseTimings {
  return { read: 0, pca: 0, prepare: 0, optimise: 0, quality: 0, pairs: 0, umap: 0, write: 0 };
}

/** Runs `work`, adding its duration to `phase`. */
export function timed<T>(timings: PhaseTimings, phase: keyof PhaseTimings, work: () => T): T {
  const started = performance.now();
  try {
    return work();
  } finally {
    timings[phase] += performance.now() - started;
  }
}

/** As timed, for asynchronous work. */
export async function timedAsync<T>(
  timings: PhaseTimings,
  phase: keyof PhaseTimings,
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[phase] += performance.now() - started;
  }
}

/** "read 0.4 s, pca 1.2 s, …" */
export function formatTimings(t: PhaseTimings): string {
  return Object.entries(t)
    .map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)} s`)
    .join(", ");
}

// How the training scripts (train, crossval) stop: exit codes, SIGINT/SIGTERM after the current batch, and which
// progress events they print as JSON for the worker.
import "server-only";

export const TRAIN_EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

/**
 * An abort signal raised by the first SIGINT or SIGTERM, so the training stops after its current batch and keeps what
 * it finished; a second signal quits at once with the cancelled code.
 */
export function abortOnStopSignals(): AbortSignal {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(TRAIN_EXIT.cancelled);
    console.error(`\n${signal}: stopping after the current batch (send again to quit at once)`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return controller.signal;
}

/** Every event but most batches: the worker needs one batch in ten (and the last) for its progress bar. */
export function isPrintedJsonEvent(event: { type: string; batch?: number; batches?: number }): boolean {
  return event.type !== "batch" || event.batch! % 10 === 0 || event.batch === event.batches;
}

// Slots of the Int32Array that the calling thread and the pool's workers coordinate through (Atomics only).

/** Next chunk to claim (Atomics.add); at or past the chunk count once every chunk is claimed. */
export const NEXT = 0;
/** Workers still inside the current run; the caller returns once it is 0. */
export const ACTIVE = 1;
/** Set to 1 by a worker whose kernel threw; its message follows on the error port. */
export const FAILED = 2;
export const CONTROL_SLOTS = 4;

/** A run handed to a worker by postMessage; the typed arrays in `args` are views of SharedArrayBuffers. */
export interface RunMessage {
  module: string;
  name: string;
  chunks: number;
  args: Record<string, unknown>;
}

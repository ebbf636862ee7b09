// Kernels for the pool's tests: a chunked sum of squares with per-chunk partials, and one that throws.
import { threadId } from "node:worker_threads";
import { kernelTask } from "../../../lib/numeric/parallel";

export const CHUNK = 1000;

/** partials[chunk] = Σ x² over the chunk's rows of `x`; also writes y = 2x for those rows. */
export const squareChunk = kernelTask(import.meta.url, "squareChunk", (chunk, args) => {
  const x = args.x as Float64Array;
  const y = args.y as Float64Array;
  const partials = args.partials as Float64Array;
  const end = Math.min(x.length, (chunk + 1) * CHUNK);
  let sum = 0;
  for (let i = chunk * CHUNK; i < end; i++) {
    sum += x[i]! * x[i]!;
    y[i] = 2 * x[i]!;
  }
  partials[chunk] = sum;
});

export const failingChunk = kernelTask(import.meta.url, "failingChunk", (chunk, args) => {
  if (chunk === (args.failAt as number)) throw new Error(`chunk ${chunk} refused`);
});

/** owners[chunk] = the thread that ran the chunk (0 is the caller), after `spinMs` of busy work. */
export const ownerChunk = kernelTask(import.meta.url, "ownerChunk", (chunk, args) => {
  const until = performance.now() + (args.spinMs as number);
  while (performance.now() < until);
  (args.owners as Int32Array)[chunk] = threadId;
});

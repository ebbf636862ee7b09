// The attractive half of the t-SNE gradient, Σ_j p_ij w_ij (y_i − y_j), in fixed chunks of rows over the thread pool.
import { getPool, kernelTask, toShared } from "../parallel";
import type { SparseP } from "./affinities";

/** Rows per chunk: the partition depends on n alone, so any thread count writes the same values. */
const ROW_CHUNK = 1024;

/** P with its arrays on SharedArrayBuffers, so the pool's threads can read it. */
export function sharedP(p: SparseP): SparseP {
  return { n: p.n, rowStart: toShared(p.rowStart), cols: toShared(p.cols), values: toShared(p.values) };
}

/**
 * Writes Σ_j p_ij w_ij (y_i − y_j) into `out` [n, 2] (factor 4 omitted), w_ij = 1 / (1 + |y_i − y_j|²). Each row
 * gathers its own sum; visiting each symmetric pair once and scattering into both rows computes half the weights but
 * measured nearly twice as slow (the scattered writes stall). `p` from sharedP, `y` and `out` shared when threads > 1.
 */
export function attraction(p: SparseP, y: Float64Array, out: Float64Array, threads?: number): void {
  const { rowStart, cols, values } = p;
  getPool(threads).run(attractionChunk, Math.ceil(p.n / ROW_CHUNK), { rowStart, cols, values, y, out, n: p.n });
}

export const attractionChunk = kernelTask(import.meta.url, "attractionChunk", (chunk, args) => {
  const rowStart = args.rowStart as Int32Array;
  const cols = args.cols as Int32Array;
  const values = args.values as Float64Array;
  const y = args.y as Float64Array;
  const out = args.out as Float64Array;
  const end = Math.min(args.n as number, (chunk + 1) * ROW_CHUNK);
  for (let i = chunk * ROW_CHUNK; i < end; i++) {
    const xi = y[2 * i]!;
    const yi = y[2 * i + 1]!;
    let fx = 0;
    let fy = 0;
    for (let s = rowStart[i]!; s < rowStart[i + 1]!; s++) {
      const j = cols[s]!;
      const dx = xi - y[2 * j]!;
      const dy = yi - y[2 * j + 1]!;
      const pw = values[s]! / (1 + dx * dx + dy * dy);
      fx += pw * dx;
      fy += pw * dy;
    }
    out[2 * i] = fx;
    out[2 * i + 1] = fy;
  }
});

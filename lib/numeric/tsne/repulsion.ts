// The repulsion interface Barnes–Hut and the FFT interpolation share, and the automatic choice between them.

/**
 * Writes F_i = Σ_j w_ij² (y_i − y_j), w_ij = 1 / (1 + |y_i − y_j|²), into `forces` [n, 2] for the layout `y` [n, 2]
 * and returns Z = Σ_{i≠j} w_ij; the repulsive gradient term is F_i / Z. Both arrays SharedArrayBuffer-backed when
 * the pool has more than one thread.
 */
export type Repel = (y: Float64Array, forces: Float64Array) => number;

export type RepulsionMethod = "fft" | "barnes-hut";

/**
 * Wraps a repulsion that needs shared arrays so it also takes plain ones: those are copied through shared buffers
 * (O(n), small beside either method's pass).
 */
export function acceptingPlainArrays(n: number, repel: Repel): Repel {
  let y: Float64Array | undefined;
  let forces: Float64Array | undefined;
  return (layout, out) => {
    const plainY = !(layout.buffer instanceof SharedArrayBuffer);
    const plainOut = !(out.buffer instanceof SharedArrayBuffer);
    if (!plainY && !plainOut) return repel(layout, out);
    if (plainY) (y ??= new Float64Array(new SharedArrayBuffer(16 * n))).set(layout);
    if (plainOut) forces ??= new Float64Array(new SharedArrayBuffer(16 * n));
    const z = repel(plainY ? y! : layout, plainOut ? forces! : out);
    if (plainOut) out.set(forces!);
    return z;
  };
}

/**
 * From this many points on, "auto" picks the FFT interpolation. Measured per iteration on real layouts (MNIST digits
 * after 300 iterations, 2 threads, default options; load average ≈ LOAD, see docs/benchmarks.md):
 * CROSSOVER_NOTE
 */
export const FFT_MIN_POINTS = 5000;

/** The method "auto" resolves to for n points. */
export function autoRepulsion(n: number): RepulsionMethod {
  return n >= FFT_MIN_POINTS ? "fft" : "barnes-hut";
}

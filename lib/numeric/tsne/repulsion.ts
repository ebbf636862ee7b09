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
 * From this many points on, "auto" picks the FFT interpolation. Barnes–Hut's cost grows with n (n log n); the FFT's is
 * dominated by its grid, which grows with the layout's spread (about 1 box per unit, at least 50), not with n. Measured
 * per call on real layouts (MNIST test digits after 300 and 1,000 iterations, 2 threads, load average 14–17 on the
 * 2-core machine, .tmp crossover script): n = 1,000: Barnes–Hut 68 / 41 ms, FFT 259 / 238 ms (512² grid);
 * n = 2,000: 22 / 12 ms against 79 / 518 ms (512², then 1,024² as the layout spread past 85). A finished layout of
 * 10,000–70,000 digits spans 100–170, a 1,024² grid; scaling Barnes–Hut linearly from 2,000 points puts the
 * crossover near 25,000 points. To be re-measured on an idle machine (docs/benchmarks.md).
 */
export const FFT_MIN_POINTS = 25_000;

/** The method "auto" resolves to for n points. */
export function autoRepulsion(n: number): RepulsionMethod {
  return n >= FFT_MIN_POINTS ? "fft" : "barnes-hut";
}

// The repulsion interface Barnes–Hut and the FFT interpolation share, and the automatic choice between them.

/**
 * Writes F_i = Σ_j w_ij² (y_i − y_j), w_ij = 1 / (1 + |y_i − y_j|²), into `forces` [n, 2] for the layout `y` [n, 2]
 * and returns Z = Σ_{i≠j} w_ij; the repulsive gradient term is F_i / Z. Both arrays SharedArrayBuffer-backed when
 * the pool has more than one thread.
 */
export type Repel = ((y: Float64Array, forces: Float64Array) => number) & {
  /** Serial set-up for layout `y` (Barnes–Hut's tree), done early so it overlaps other work; y must not change after. */
  prepare?: (y: Float64Array) => void;
};

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
 * From this many points on, "auto" picks the FFT interpolation. Barnes–Hut's cost grows with n; the FFT's is set by
 * its grid, which follows the layout's spread (about 1 box per unit, at least 50; a power-of-two FFT with fft.js),
 * not n: cheap while the layout is compact, 300–600 ms per call once a finished layout needs a 2,048² grid.
 * Measured on MNIST digits, 2 threads, load average 1.3–3.5 (2026-12-02; per call: both methods timed on the same
 * snapshots of a Barnes–Hut run; whole runs: npm run bench:tsne -- --n 70000 --repulsion fft | barnes-hut):
 * - per call on the layouts after 300 / 1,000 iterations: n = 5,000: Barnes–Hut 16 / 8 ms, FFT 74 / 123 ms;
 *   n = 10,000: 22 / 20 against 35 / 576 ms; n = 20,000: 24 / 33 against 23 / 374 ms; n = 70,000: 209 / 108 against
 *   111 / 295 ms;
 * - whole runs of 70,000 digits (1,000 iterations): repulsion 94.5 s with the FFT against 116.6 s with Barnes–Hut.
 * Barnes–Hut's ~1.7 s per 1,000 points of a whole run meets the FFT's ~90 s near 50,000 points.
 */
export const FFT_MIN_POINTS = 50_000;

/** The method "auto" resolves to for n points. */
export function autoRepulsion(n: number): RepulsionMethod {
  return n >= FFT_MIN_POINTS ? "fft" : "barnes-hut";
}

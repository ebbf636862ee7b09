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
 * its grid, which follows the layout's spread (about 1 box per unit, at least 50, on a PFFFT length), not n: ~5 ms
 * per call while the layout is compact, 30–40 ms once a finished layout needs a 1,280² grid. The FFT is the faster
 * from 20,000 points on, but on its default grid its layouts end with a higher KL than Barnes–Hut's (θ 0.5); a grid
 * fine enough to match (fftIntervalsPerInteger 0.5–0.62) costs twice Barnes–Hut's at 20,000 points and half of it at
 * 70,000 (not measured between). Measured on MNIST digits, 2 threads, load average 1.1–2.5 (2026-12-02; per call:
 * both methods timed alternately on the layouts after 300 / 1,000 iterations of a Barnes–Hut run, of an FFT run for
 * 70,000; whole runs: 1,000 iterations, repulsion seconds / KL):
 * - per call: n = 20,000: Barnes–Hut 19 / 19 ms, FFT 5 / 32 ms; n = 35,000: 33 / 34 against 5 / 33 ms;
 *   n = 70,000: 80 / 72 against 10 / 38 ms;
 * - whole runs: n = 20,000: Barnes–Hut 19.6 s / 2.047, FFT 10.6 s / 2.149 (42.1 s / 2.051 at intervals 0.5);
 *   n = 35,000: 35.1 s / 2.346 against 13.1 s / 2.436; n = 70,000: 74.8 s / 2.771 against 18.3 s / 2.842
 *   (25.6 s / 2.798 at intervals 0.8, 37.7 s / 2.774 at 0.62).
 */
export const FFT_MIN_POINTS = 50_000;

/** The method "auto" resolves to for n points. */
export function autoRepulsion(n: number): RepulsionMethod {
  return n >= FFT_MIN_POINTS ? "fft" : "barnes-hut";
}

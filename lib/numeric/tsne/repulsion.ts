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
 * From this many points on, "auto" picks the FFT interpolation. Barnes–Hut's cost grows as n log n; the FFT's is set
 * by its grid, which follows the layout's spread (boxes at most 0.8 wide, at least 50, on a PFFFT length), plus O(n):
 * it wins while a layout is compact and loses once a finished one needs a 1,280² grid. Over whole runs Barnes–Hut
 * (group walks, wasm kernel, θ 0.6) is both faster and closer at MNIST's size, so the FFT only pays beyond it.
 * Measured 2026-12-02, 2 threads, load 1.8–2.0:
 * - whole runs of all 70,000 digits (npm run bench:tsne -- --n 70000 --skip-peer --repulsion …): Barnes–Hut 55.5 s,
 *   repulsion 19.4 s, KL 2.7680; FFT 59.6 s, repulsion 26.0 s, KL 2.7982;
 * - per call, on the 70,000-digit layouts after 300 / 1,000 FFT iterations and on copies of them doubled and
 *   quadrupled (each point again, jittered by ±0.025): n = 70,000: Barnes–Hut 51 / 24 ms, FFT 23 / 57 ms;
 *   140,000: 52 / 47 against 19 / 67 ms; 280,000: 115 / 105 against 39 / 86 ms. The finished layouts cross near
 *   200,000 points.
 */
export const FFT_MIN_POINTS = 200_000;

/** The method "auto" resolves to for n points. */
export function autoRepulsion(n: number): RepulsionMethod {
  return n >= FFT_MIN_POINTS ? "fft" : "barnes-hut";
}

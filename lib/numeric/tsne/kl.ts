// Kullback–Leibler divergence KL(P ‖ Q) of a 2-D layout, over the sparse P, with an exact or a given normaliser Z.
import type { SparseP } from "./affinities";

/** A 2-D layout [n, 2], row-major. */
export type Layout = Float32Array | Float64Array;

/**
 * KL(P ‖ Q) = Σ p_ij log(p_ij / q_ij) with q_ij = w_ij / Z, w_ij = 1 / (1 + |y_i - y_j|²), summed over the non-zero
 * entries of P only (zero p contribute nothing). `z` is Σ_{i≠j} w_ij: exact from `exactNormaliser`, or the
 * Barnes–Hut estimate the optimiser already has. O(nnz(P)). In nats.
 */
export function klDivergence(p: SparseP, y: Layout, z: number): number {
  let sum = 0;
  for (let i = 0; i < p.n; i++) {
    const xi = y[2 * i]!;
    const yi = y[2 * i + 1]!;
    for (let s = p.rowStart[i]!; s < p.rowStart[i + 1]!; s++) {
      const j = p.cols[s]!;
      const dx = xi - y[2 * j]!;
      const dy = yi - y[2 * j + 1]!;
      const pij = p.values[s]!;
      // log(p / q) = log p + log(1 + d²) + log Z
      sum += pij * (Math.log(pij) + Math.log1p(dx * dx + dy * dy));
    }
  }
  return sum + Math.log(z) * totalMass(p);
}

/** Z = Σ_{i≠j} 1 / (1 + |y_i - y_j|²), exactly, in O(n²). */
export function exactNormaliser(y: Layout): number {
  const n = y.length / 2;
  let z = 0;
  for (let i = 0; i < n; i++) {
    const xi = y[2 * i]!;
    const yi = y[2 * i + 1]!;
    for (let j = i + 1; j < n; j++) {
      const dx = xi - y[2 * j]!;
      const dy = yi - y[2 * j + 1]!;
      z += 1 / (1 + dx * dx + dy * dy);
    }
  }
  return 2 * z;
}

/** Exact KL(P ‖ Q) of a layout: `klDivergence` with the O(n²) normaliser. */
export function klDivergenceExact(p: SparseP, y: Layout): number {
  if (y.length !== 2 * p.n)
    throw new RangeError(`layout has ${y.length} values, expected ${2 * p.n} for ${p.n} points`);
  return klDivergence(p, y, exactNormaliser(y));
}

/** Σ p_ij (1 for a normalised P; kept general so a rescaled P still gives the right divergence). */
function totalMass(p: SparseP): number {
  let total = 0;
  for (let s = 0; s < p.values.length; s++) total += p.values[s]!;
  return total;
}

// Input-space affinities: per-point Gaussian bandwidths by binary search on perplexity, then a symmetric sparse P.
import { getPool, kernelTask, sharedFloat64, toShared } from "../parallel";
import type { KnnGraph } from "./knn";

/** Symmetric joint probabilities in CSR form: row i's entries at rowStart[i] .. rowStart[i + 1] - 1; Σ values = 1. */
export interface SparseP {
  n: number;
  /** [n + 1] offsets into `cols` / `values`. */
  rowStart: Int32Array;
  /** Column indices, ascending within each row. */
  cols: Int32Array;
  /** p_ij > 0, with p_ij = p_ji. */
  values: Float64Array;
}

/** Conditional probabilities p_{j|i} over each point's k neighbours, [n, k] aligned with the KnnGraph. */
export interface ConditionalP {
  values: Float64Array;
  /** Precision β_i = 1 / (2σ_i²) per point, in 1 / squared input units. */
  betas: Float64Array;
}

/** Stop the bisection when |H - log(perplexity)| is below this (nats), or after MAX_STEPS halvings. */
const ENTROPY_TOLERANCE = 1e-5;
const MAX_STEPS = 200;
/** Rows per chunk of the calibration (rows are independent; the partition depends on n alone). */
const ROW_CHUNK = 256;

export interface AffinityOptions {
  /** Threads of the pool (resolveThreads); any count gives the same bits. */
  threads?: number;
}

/**
 * Finds, for every point, the β whose Gaussian over its kNN squared distances has perplexity `perplexity`
 * (entropy log₂(perplexity) bits), by bisection on β (doubling or halving until bracketed).
 * Distances are shifted by each row's nearest distance before exponentiating, which leaves p unchanged and avoids
 * underflow for any β. A row whose neighbours are all equidistant keeps a uniform p (entropy log k).
 */
export function calibratePerplexity(knn: KnnGraph, perplexity: number, options: AffinityOptions = {}): ConditionalP {
  const { k } = knn;
  const n = knn.distancesSq.length / k;
  if (!(perplexity > 1 && perplexity < k + 1)) {
    throw new RangeError(`perplexity must be in (1, k + 1) = (1, ${k + 1}) for ${k} neighbours (got ${perplexity})`);
  }
  const pool = getPool(options.threads);
  const distancesSq = pool.threads > 1 ? toShared(knn.distancesSq) : knn.distancesSq;
  const values = sharedFloat64(n * k);
  const betas = sharedFloat64(n);
  pool.run(calibrateChunk, Math.ceil(n / ROW_CHUNK), {
    distancesSq,
    values,
    betas,
    k,
    n,
    target: Math.log(perplexity),
  });
  return { values, betas };
}

/**
 * Chunk = ROW_CHUNK rows: each row's β and its normalised p_{j|i}. β starts at 1 / the mean shifted distance (about
 * the scale a Gaussian over k neighbours needs) and moves by Newton steps on H(β) (H'(β) = −β · Var_p(distance)),
 * falling back to doubling, halving or bisection whenever a step would leave the bracket found so far. From β = 1 by
 * halving and bisection alone a probe source took 46–55 ms, now 16–24 (docs/benchmarks.md, issue 14's seventh round).
 */
export const calibrateChunk = kernelTask(import.meta.url, "calibrateChunk", (chunk, args) => {
  const distancesSq = args.distancesSq as Float64Array;
  const values = args.values as Float64Array;
  const betas = args.betas as Float64Array;
  const k = args.k as number;
  const target = args.target as number;
  const end = Math.min(args.n as number, (chunk + 1) * ROW_CHUNK);
  for (let i = chunk * ROW_CHUNK; i < end; i++) {
    const base = i * k;
    const nearest = distancesSq[base]!;
    let spread = 0;
    for (let t = 0; t < k; t++) spread += distancesSq[base + t]! - nearest;
    let beta = spread > 0 && spread < Infinity ? k / spread : 1;
    let betaMin = -Infinity;
    let betaMax = Infinity;
    for (let step = 0; step < MAX_STEPS; step++) {
      let sum = 0;
      let weighted = 0;
      let squared = 0;
      for (let t = 0; t < k; t++) {
        const shifted = distancesSq[base + t]! - nearest;
        const p = Math.exp(-beta * shifted);
        values[base + t] = p;
        sum += p;
        weighted += shifted * p;
        squared += shifted * shifted * p;
      }
      // sum ≥ 1 because the nearest neighbour's shifted distance is 0.
      const mean = weighted / sum;
      const entropy = Math.log(sum) + beta * mean;
      const diff = entropy - target;
      if (Math.abs(diff) <= ENTROPY_TOLERANCE) break;
      if (diff > 0) betaMin = beta;
      else betaMax = beta;
      const next = beta + diff / (beta * (squared / sum - mean * mean));
      if (next > betaMin && next < betaMax) beta = next;
      else if (diff > 0) beta = betaMax === Infinity ? beta * 2 : (beta + betaMax) / 2;
      else beta = betaMin === -Infinity ? beta / 2 : (beta + betaMin) / 2;
    }
    let sum = 0;
    for (let t = 0; t < k; t++) sum += values[base + t]!;
    for (let t = 0; t < k; t++) values[base + t] = values[base + t]! / sum;
    betas[i] = beta;
  }
});

/**
 * P = (P_cond + P_condᵀ) / Σ, as CSR: p_ij is non-zero when j is among i's neighbours or i among j's.
 * O(n · k log k).
 */
export function symmetrise(knn: KnnGraph, conditional: ConditionalP): SparseP {
  const { k, indices } = knn;
  const n = indices.length / k;
  // Incoming edges: for each j, the rows i that list j as a neighbour, with p_{j|i}.
  const inStart = new Int32Array(n + 1);
  for (let e = 0; e < n * k; e++) inStart[indices[e]! + 1]!++;
  for (let j = 0; j < n; j++) inStart[j + 1] = inStart[j + 1]! + inStart[j]!;
  const inFill = inStart.slice(0, n);
  const inSource = new Int32Array(n * k);
  const inValue = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const slot = inFill[indices[i * k + t]!]!++;
      inSource[slot] = i;
      inValue[slot] = conditional.values[i * k + t]!;
    }
  }
  const rowStart = new Int32Array(n + 1);
  const cols = new Int32Array(2 * n * k);
  const values = new Float64Array(2 * n * k);
  const accumulator = new Float64Array(n);
  const lastRow = new Int32Array(n).fill(-1);
  let total = 0;
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    const start = nnz;
    let touched = start;
    for (let e = 0; e < k + inStart[i + 1]! - inStart[i]!; e++) {
      const incoming = e >= k;
      const j = incoming ? inSource[inStart[i]! + e - k]! : indices[i * k + e]!;
      const p = incoming ? inValue[inStart[i]! + e - k]! : conditional.values[i * k + e]!;
      if (lastRow[j] !== i) {
        lastRow[j] = i;
        accumulator[j] = 0;
        cols[touched++] = j;
      }
      accumulator[j] = accumulator[j]! + p;
    }
    cols.subarray(start, touched).sort();
    // Compact in place, dropping pairs whose probability underflowed to 0.
    for (let s = start; s < touched; s++) {
      const j = cols[s]!;
      const p = accumulator[j]!;
      if (p <= 0) continue;
      cols[nnz] = j;
      values[nnz++] = p;
      total += p;
    }
    rowStart[i + 1] = nnz;
  }
  for (let s = 0; s < nnz; s++) values[s] = values[s]! / total;
  return { n, rowStart, cols: cols.slice(0, nnz), values: values.slice(0, nnz) };
}

/** Calibrated, symmetrised, normalised P from a kNN graph (the calibration chunked over the pool). */
export function computeAffinities(knn: KnnGraph, perplexity: number, options: AffinityOptions = {}): SparseP {
  return symmetrise(knn, calibratePerplexity(knn, perplexity, options));
}

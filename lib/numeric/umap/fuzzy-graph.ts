// UMAP's fuzzy simplicial set: per-point smooth kNN distances (rho, sigma) and the fuzzy union of the directed memberships.
import type { KnnGraph } from "../tsne/knn";

/** The symmetric weighted graph as coordinate lists, row-major with columns ascending per row: each edge twice. */
export interface FuzzyGraph {
  /** Edge e runs from head[e] to tail[e], [edges]. */
  head: Int32Array;
  tail: Int32Array;
  /** Membership strength in (0, 1], [edges]. */
  weight: Float64Array;
}

/** umap-learn's constants: the binary search's tolerance and iteration cap, and the floor on sigma. */
const SMOOTH_K_TOLERANCE = 1e-5;
const SEARCH_ITERATIONS = 64;
const MIN_K_DIST_SCALE = 1e-3;

/**
 * Each point's distance to its nearest (non-identical) neighbour, rho [n], and the bandwidth sigma [n] for which
 * Σ_j exp(-(d_ij - rho_i) / sigma_i) = log2(nNeighbors) over its nNeighbors - 1 nearest other points, by binary
 * search (umap-learn's smooth_knn_dist, local_connectivity 1). `distances` [n, m] are Euclidean, ascending per row,
 * m = nNeighbors - 1 (umap-learn's rows also hold the point itself at distance 0, which its sum skips and its
 * means count: so do the means here).
 */
export function smoothKnnDistances(
  distances: Float64Array,
  n: number,
  m: number,
  nNeighbors: number,
): { rho: Float64Array; sigma: Float64Array } {
  const target = Math.log2(nNeighbors);
  const rho = new Float64Array(n);
  const sigma = new Float64Array(n);
  let total = 0;
  for (let e = 0; e < n * m; e++) total += distances[e]!;
  const meanAll = total / (n * nNeighbors);
  for (let i = 0; i < n; i++) {
    const base = i * m;
    let rowSum = 0;
    let r = 0;
    for (let j = 0; j < m; j++) {
      const d = distances[base + j]!;
      rowSum += d;
      if (r === 0 && d > 0) r = d;
    }
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let iter = 0; iter < SEARCH_ITERATIONS; iter++) {
      let psum = 0;
      for (let j = 0; j < m; j++) {
        const d = distances[base + j]! - r;
        psum += d > 0 ? Math.exp(-d / mid) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    // A floor keeps sigma away from 0 where every neighbour sits at the same distance.
    const floor = MIN_K_DIST_SCALE * (r > 0 ? rowSum / nNeighbors : meanAll);
    rho[i] = r;
    sigma[i] = Math.max(mid, floor);
  }
  return { rho, sigma };
}

/**
 * The fuzzy simplicial set of the first nNeighbors - 1 columns of `knn` (n rows): directed memberships
 * w_ij = exp(-(d_ij - rho_i) / sigma_i) (1 within rho_i), then the fuzzy union w_ij + w_ji - w_ij·w_ji, as
 * umap-learn's fuzzy_simplicial_set with set_op_mix_ratio 1. Zero weights (underflow) are dropped. O(n · m).
 */
export function fuzzySimplicialSet(knn: KnnGraph, n: number, nNeighbors: number): FuzzyGraph {
  const m = nNeighbors - 1;
  const distances = new Float64Array(n * m);
  const neighbours = new Int32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      distances[i * m + j] = Math.sqrt(knn.distancesSq[i * knn.k + j]!);
      neighbours[i * m + j] = knn.indices[i * knn.k + j]!;
    }
  }
  const { rho, sigma } = smoothKnnDistances(distances, n, m, nNeighbors);
  const member = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const d = distances[i * m + j]! - rho[i]!;
      member[i * m + j] = d <= 0 || sigma[i] === 0 ? 1 : Math.exp(-d / sigma[i]!);
    }
  }
  return fuzzyUnion(neighbours, member, n, m);
}

/** w + wᵀ - w∘wᵀ of the directed graph (row i: neighbours[i·m..], member[i·m..]), zeros dropped, rows sorted. */
function fuzzyUnion(neighbours: Int32Array, member: Float64Array, n: number, m: number): FuzzyGraph {
  // Incoming edges by target, as CSR: inPtr [n + 1], inSource and inWeight [n·m].
  const inPtr = new Int32Array(n + 1);
  for (let e = 0; e < n * m; e++) inPtr[neighbours[e]! + 1]!++;
  for (let i = 0; i < n; i++) inPtr[i + 1] = inPtr[i + 1]! + inPtr[i]!;
  const fill = inPtr.slice(0, n);
  const inSource = new Int32Array(n * m);
  const inWeight = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const t = neighbours[i * m + j]!;
      const slot = fill[t]!++;
      inSource[slot] = i;
      inWeight[slot] = member[i * m + j]!;
    }
  }
  const head = new Int32Array(2 * n * m);
  const tail = new Int32Array(2 * n * m);
  const weight = new Float64Array(2 * n * m);
  // Per-row scratch: which row last touched column c (stamp), and its outgoing weight there.
  const stamp = new Int32Array(n).fill(-1);
  const outgoing = new Float64Array(n);
  const value = new Float64Array(n);
  const columns = new Int32Array(n);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let j = 0; j < m; j++) {
      const c = neighbours[i * m + j]!;
      if (stamp[c] === i) continue; // a repeated neighbour (malformed graph) counts once
      stamp[c] = i;
      outgoing[c] = member[i * m + j]!;
      value[c] = outgoing[c]!;
      columns[count++] = c;
    }
    for (let s = inPtr[i]!; s < inPtr[i + 1]!; s++) {
      const c = inSource[s]!;
      const w = inWeight[s]!;
      if (stamp[c] === i) {
        value[c] = outgoing[c]! + w - outgoing[c]! * w;
      } else {
        stamp[c] = i;
        value[c] = w;
        columns[count++] = c;
      }
    }
    const row = columns.subarray(0, count).sort();
    for (let t = 0; t < count; t++) {
      const c = row[t]!;
      if (c === i || !(value[c]! > 0)) continue;
      head[edges] = i;
      tail[edges] = c;
      weight[edges++] = value[c]!;
    }
  }
  return { head: head.slice(0, edges), tail: tail.slice(0, edges), weight: weight.slice(0, edges) };
}

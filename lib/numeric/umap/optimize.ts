// UMAP's layout optimisation: SGD over the fuzzy graph's edges with negative sampling, as umap-learn's optimize_layout_euclidean.
import { createForceTable } from "./force-table";
import type { FuzzyGraph } from "./fuzzy-graph";

export interface SgdParams {
  /** The curve 1 / (1 + a·d^(2b)) (see curve.ts). */
  a: number;
  b: number;
  /** Epochs to run, and the cold-fit count that sets the pruning threshold when `epochs` is 10 or fewer. */
  epochs: number;
  defaultEpochs: number;
  /** Starting step size; it decays linearly to 0 over the epochs. */
  learningRate: number;
  negativeSampleRate: number;
  /** Seed of the negative sampling (any 32-bit integer). */
  seed: number;
}

/** umap-learn's per-coordinate gradient clip and repulsion weight (gamma). */
const CLIP = 4;
const REPULSION_STRENGTH = 1;

/**
 * Optimises `coords` [n, 2] (interleaved x, y; float64) in place. Edges lighter than max / epochs are dropped;
 * every other edge is sampled once per max/weight epochs, moving both ends together (attraction
 * -2ab·d^(2b-2) / (1 + a·d^(2b)) per unit offset), and each sample draws negativeSampleRate points at random that
 * push the head away (2γb / ((0.001 + d²)(1 + a·d^(2b)))); both coefficients come from a table (force-table.ts). Each gradient coordinate is clipped to ±4; the step size
 * falls linearly from learningRate towards 0. Edges run in the graph's order, one after another, so a fixed seed
 * gives the same layout (umap-learn's parallel variant races on shared points instead). Returns the edge count kept.
 */
export function optimizeLayout(coords: Float64Array, n: number, graph: FuzzyGraph, params: SgdParams): number {
  const { a, b, epochs, learningRate, negativeSampleRate } = params;
  let maxWeight = 0;
  for (let e = 0; e < graph.weight.length; e++) maxWeight = Math.max(maxWeight, graph.weight[e]!);
  const threshold = maxWeight / (epochs > 10 ? epochs : params.defaultEpochs);
  let count = 0;
  for (let e = 0; e < graph.weight.length; e++) if (graph.weight[e]! >= threshold) count++;
  const head = new Int32Array(count);
  const tail = new Int32Array(count);
  // Epochs between samples of an edge (max/weight ≥ 1), and the epoch of each edge's next positive and negative samples.
  const epochsPerSample = new Float64Array(count);
  const epochsPerNegative = new Float64Array(count);
  const nextSample = new Float64Array(count);
  const nextNegative = new Float64Array(count);
  for (let e = 0, kept = 0; e < graph.weight.length; e++) {
    const w = graph.weight[e]!;
    if (w < threshold) continue;
    head[kept] = graph.head[e]!;
    tail[kept] = graph.tail[e]!;
    epochsPerSample[kept] = nextSample[kept] = maxWeight / w;
    epochsPerNegative[kept] = nextNegative[kept] = maxWeight / w / negativeSampleRate;
    kept++;
  }

  const force = createForceTable(a, b, REPULSION_STRENGTH);
  // mulberry32 state, inlined: the negative samples are the innermost loop.
  let state = params.seed | 0;
  let alpha = learningRate;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let e = 0; e < count; e++) {
      if (nextSample[e]! > epoch) continue;
      const j = head[e]!;
      const k = tail[e]!;
      const jx = 2 * j;
      const kx = 2 * k;
      let cx = coords[jx]!;
      let cy = coords[jx + 1]!;
      let dx = cx - coords[kx]!;
      let dy = cy - coords[kx + 1]!;
      let d2 = dx * dx + dy * dy;
      if (d2 > 0) {
        const coeff = force.attraction(d2);
        const gx = clip(coeff * dx) * alpha;
        const gy = clip(coeff * dy) * alpha;
        cx += gx;
        cy += gy;
        coords[kx] = coords[kx]! - gx;
        coords[kx + 1] = coords[kx + 1]! - gy;
      }
      nextSample[e] = nextSample[e]! + epochsPerSample[e]!;

      const negatives = Math.trunc((epoch - nextNegative[e]!) / epochsPerNegative[e]!);
      for (let p = 0; p < negatives; p++) {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), state | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        // 31 of the 32 bits keep the remainder in small-integer arithmetic.
        const other = ((t ^ (t >>> 14)) >>> 1) % n;
        // The head itself: no force (its stored coordinates are stale until the edge is done).
        if (other === j) continue;
        const ox = 2 * other;
        dx = cx - coords[ox]!;
        dy = cy - coords[ox + 1]!;
        d2 = dx * dx + dy * dy;
        if (d2 > 0) {
          const coeff = force.repulsion(d2);
          cx += clip(coeff * dx) * alpha;
          cy += clip(coeff * dy) * alpha;
        } else {
          // Coincident with another point: umap-learn pushes by the clip bound on both axes.
          cx += CLIP * alpha;
          cy += CLIP * alpha;
        }
      }
      nextNegative[e] = nextNegative[e]! + negatives * epochsPerNegative[e]!;
      coords[jx] = cx;
      coords[jx + 1] = cy;
    }
    alpha = learningRate * (1 - epoch / epochs);
  }
  return count;
}

function clip(v: number): number {
  return v > CLIP ? CLIP : v < -CLIP ? -CLIP : v;
}

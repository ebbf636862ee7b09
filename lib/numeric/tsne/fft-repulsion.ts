// Interpolated repulsive forces for 2-D t-SNE (Linderman et al. 2019, as FIt-SNE and openTSNE): Lagrange
// interpolation on an equispaced grid of boxes, kernel sums by FFT convolution, O(n) per iteration plus the FFT.
import { layoutBounds } from "./layout-bounds";
import { getPool, kernelTask, sharedFloat32, sharedFloat64, sharedInt32 } from "../parallel";
import {
  chooseGrid,
  convolveTerms,
  kernelSpectrum,
  spectrumLength,
  TERMS,
  workLength,
  type GridGeometry,
} from "./fft-grid";
import { acceptingPlainArrays, type Repel } from "./repulsion";

export interface FftRepulsionOptions {
  /** Fewest boxes per dimension. Default 50; integer ≥ 1. */
  minBoxes?: number;
  /** The widest box in layout units (more boxes when the layout is wider). Default 0.8; number > 0. */
  intervalsPerInteger?: number;
  /** Interpolation nodes per box and dimension. Default 3; integer in 2..8. */
  interpolationPoints?: number;
  /** Threads of the pool (resolveThreads); 1 and 2 give bit-identical forces. */
  threads?: number;
}

/** The defaults of TsneOptions' fft* options (options.ts says why 0.8 rather than FIt-SNE's 1). */
export const FFT_DEFAULTS = { minBoxes: 50, intervalsPerInteger: 0.8, interpolationPoints: 3 } as const;

/** Points per chunk of the interpolation pass (fixed, so any thread count gives the same partial sums). */
const POINT_CHUNK = 2048;

/**
 * A workspace for layouts of n points. The returned function writes F_i = Σ_j w_ij² (y_i − y_j) into `forces`
 * ([n, 2]) and returns Z = Σ_{i≠j} w_ij, with w_ij = 1 / (1 + |y_i − y_j|²), as the Barnes–Hut one does, from
 * φ_0 = Σ_j w_ij², φ_x = Σ_j w_ij² x_j and φ_y = Σ_j w_ij² y_j interpolated at each point: F_i = y_i φ_0 − (φ_x, φ_y),
 * and Z = Σ_i Σ_j w_ij² (1 + |y_i|² − 2 y_i·y_j + |y_j|²) − n. Its last part, Σ_i Σ_j w_ij² |y_j|², equals
 * Σ_j |y_j|² φ_0(y_j) because the interpolated kernel matrix is symmetric: three FFT convolutions instead of the
 * four of FIt-SNE. Coordinates are taken relative to the grid's centre, which keeps those differences small. Plain `y` and `forces` arrays are copied through shared ones
 * when threads > 1.
 */
/** The FFT repulsion, which also tells the grid of its last call. */
export type FftRepel = Repel & { grid(): GridGeometry | undefined };

export function createFftRepulsion(n: number, options: FftRepulsionOptions = {}): FftRepel {
  const { minBoxes, intervalsPerInteger, interpolationPoints: p } = { ...FFT_DEFAULTS, ...options };
  const pool = getPool(options.threads);
  const boxOf = sharedInt32(n);
  const sorted = sharedInt32(n);
  const weights = sharedFloat64(2 * p * n);
  const zPartials = sharedFloat64(Math.ceil(n / POINT_CHUNK));
  let boxStart = sharedInt32(0);
  let grid = sharedFloat64(0);
  let potentials = sharedFloat64(0);
  let work = sharedFloat32(0);
  let spectrum = sharedFloat32(0);
  let spectrumKey = "";
  /** The last grid used, for tests and the benchmark's breakdown. */
  let last: GridGeometry | undefined;

  const repel: Repel = (y, forces) => {
    const { minX, minY, maxX, maxY } = layoutBounds(y, n);
    const g = chooseGrid(Math.max(maxX - minX, maxY - minY), minBoxes, intervalsPerInteger, p);
    last = g;
    const extent = g.boxes * g.boxWidth;
    const x0 = (minX + maxX - extent) / 2;
    const y0 = (minY + maxY - extent) / 2;
    const boxCount = g.boxes * g.boxes;
    if (boxStart.length < boxCount + 1) boxStart = sharedInt32(boxCount + 1);
    const gridLength = TERMS * g.nodes * g.nodes;
    if (grid.length < gridLength) {
      grid = sharedFloat64(gridLength);
      potentials = sharedFloat64(gridLength);
    }
    if (work.length < workLength(g)) work = sharedFloat32(workLength(g));
    const key = `${g.size}:${g.spacing}`;
    if (key !== spectrumKey) {
      if (spectrum.length !== spectrumLength(g)) spectrum = sharedFloat32(spectrumLength(g));
      const spectrumArgs = { nodes: g.nodes, size: g.size, spacing: g.spacing, work, spectrum };
      kernelSpectrum((task, chunks) => pool.run(task, chunks, spectrumArgs), g.size);
      spectrumKey = key;
    }
    sortByBox(y, n, g, x0, y0, boxOf, boxStart, sorted);
    const args = {
      y,
      forces,
      boxOf,
      boxStart,
      sorted,
      weights,
      grid,
      potentials,
      work,
      spectrum,
      zPartials,
      n,
      boxes: g.boxes,
      points: p,
      nodes: g.nodes,
      size: g.size,
      boxWidth: g.boxWidth,
      x0,
      y0,
    };
    pool.run(spreadChunk, g.boxes, args);
    convolveTerms((task, chunks) => pool.run(task, chunks, args), g);
    const chunks = Math.ceil(n / POINT_CHUNK);
    pool.run(interpolateChunk, chunks, args);
    let z = 0;
    for (let c = 0; c < chunks; c++) z += zPartials[c]!;
    return z;
  };
  return Object.assign(pool.threads > 1 ? acceptingPlainArrays(n, repel) : repel, { grid: () => last });
}

/** Box of each point (x box major) and the points listed box by box, in index order within a box (counting sort). */
function sortByBox(
  y: Float64Array,
  n: number,
  g: GridGeometry,
  x0: number,
  y0: number,
  boxOf: Int32Array,
  boxStart: Int32Array,
  sorted: Int32Array,
): void {
  const boxCount = g.boxes * g.boxes;
  boxStart.fill(0, 0, boxCount + 1);
  const last = g.boxes - 1;
  for (let i = 0; i < n; i++) {
    const bx = Math.min(last, Math.max(0, Math.floor((y[2 * i]! - x0) / g.boxWidth)));
    const by = Math.min(last, Math.max(0, Math.floor((y[2 * i + 1]! - y0) / g.boxWidth)));
    const box = bx * g.boxes + by;
    boxOf[i] = box;
    boxStart[box + 1]!++;
  }
  for (let b = 0; b < boxCount; b++) boxStart[b + 1] = boxStart[b + 1]! + boxStart[b]!;
  for (let i = 0; i < n; i++) sorted[boxStart[boxOf[i]!]!++] = i;
  // The fill above advanced each start to the next box's: shift back.
  for (let b = boxCount; b > 0; b--) boxStart[b] = boxStart[b - 1]!;
  boxStart[0] = 0;
}

/** 1 / Π_{l≠k} (k − l) for k = 0 … p−1: the Lagrange basis's denominators, [p]. */
function lagrangeDenominators(p: number): Float64Array {
  const out = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    let d = 1;
    for (let l = 0; l < p; l++) if (l !== k) d *= k - l;
    out[k] = 1 / d;
  }
  return out;
}

/**
 * Lagrange basis weights of the `p` nodes at (k + ½) / p, k = 0 … p−1, at u ∈ [0, 1] (a position inside a box in
 * box widths), written to out[offset … offset + p − 1]; `denominators` from lagrangeDenominators(p) (no division per
 * point: this runs twice for each point and iteration).
 */
function lagrange(u: number, p: number, denominators: Float64Array, out: Float64Array, offset: number): void {
  const t = u * p - 0.5;
  for (let k = 0; k < p; k++) {
    let w = denominators[k]!;
    for (let l = 0; l < p; l++) if (l !== k) w *= t - l;
    out[offset + k] = w;
  }
}

/**
 * Chunk = one column of boxes (fixed x box index): zeroes its node rows of the three grids, then adds each of its
 * points' charges (1, x, y, relative to the grid's centre) to the p × p nodes of the point's box, with the point's
 * Lagrange weights (kept, by position in box order, for the interpolation back: read and written in sequence).
 * Boxes own their nodes, so chunks never share a slot.
 */
export const spreadChunk = kernelTask(import.meta.url, "spreadChunk", (chunk, args) => {
  const y = args.y as Float64Array;
  const boxStart = args.boxStart as Int32Array;
  const sorted = args.sorted as Int32Array;
  const weights = args.weights as Float64Array;
  const grid = args.grid as Float64Array;
  const boxes = args.boxes as number;
  const p = args.points as number;
  const m = args.nodes as number;
  const boxWidth = args.boxWidth as number;
  const x0 = args.x0 as number;
  const y0 = args.y0 as number;
  const centre = x0 + (boxes * boxWidth) / 2;
  const centreY = y0 + (boxes * boxWidth) / 2;
  const termStride = m * m;
  const denominators = lagrangeDenominators(p);
  for (let term = 0; term < TERMS; term++) {
    grid.fill(0, term * termStride + chunk * p * m, term * termStride + (chunk + 1) * p * m);
  }
  const bx = chunk;
  for (let by = 0; by < boxes; by++) {
    const box = bx * boxes + by;
    for (let s = boxStart[box]!; s < boxStart[box + 1]!; s++) {
      const i = sorted[s]!;
      const px = y[2 * i]!;
      const py = y[2 * i + 1]!;
      const w = 2 * p * s;
      lagrange((px - x0) / boxWidth - bx, p, denominators, weights, w);
      lagrange((py - y0) / boxWidth - by, p, denominators, weights, w + p);
      const rx = px - centre;
      const ry = py - centreY;
      for (let kx = 0; kx < p; kx++) {
        const wx = weights[w + kx]!;
        const row = (bx * p + kx) * m + by * p;
        for (let ky = 0; ky < p; ky++) {
          const q = wx * weights[w + p + ky]!;
          const slot = row + ky;
          grid[slot] = grid[slot]! + q;
          grid[termStride + slot] = grid[termStride + slot]! + q * rx;
          grid[2 * termStride + slot] = grid[2 * termStride + slot]! + q * ry;
        }
      }
    }
  }
});

/**
 * Chunk = POINT_CHUNK points in box order: interpolates the three potentials at each point from its box's nodes,
 * writes its force, and leaves the chunk's share of Z (each point's own w_ii = 1 removed) in zPartials[chunk].
 */
export const interpolateChunk = kernelTask(import.meta.url, "interpolateChunk", (chunk, args) => {
  const y = args.y as Float64Array;
  const forces = args.forces as Float64Array;
  const boxOf = args.boxOf as Int32Array;
  const sorted = args.sorted as Int32Array;
  const weights = args.weights as Float64Array;
  const potentials = args.potentials as Float64Array;
  const zPartials = args.zPartials as Float64Array;
  const n = args.n as number;
  const boxes = args.boxes as number;
  const p = args.points as number;
  const m = args.nodes as number;
  const boxWidth = args.boxWidth as number;
  const centre = (args.x0 as number) + (boxes * boxWidth) / 2;
  const centreY = (args.y0 as number) + (boxes * boxWidth) / 2;
  const termStride = m * m;
  let z = 0;
  const end = Math.min(n, (chunk + 1) * POINT_CHUNK);
  for (let s = chunk * POINT_CHUNK; s < end; s++) {
    const i = sorted[s]!;
    const box = boxOf[i]!;
    const bx = Math.floor(box / boxes);
    const by = box - bx * boxes;
    const w = 2 * p * s;
    let phi0 = 0;
    let phiX = 0;
    let phiY = 0;
    for (let kx = 0; kx < p; kx++) {
      const wx = weights[w + kx]!;
      const row = (bx * p + kx) * m + by * p;
      for (let ky = 0; ky < p; ky++) {
        const q = wx * weights[w + p + ky]!;
        const slot = row + ky;
        phi0 += q * potentials[slot]!;
        phiX += q * potentials[termStride + slot]!;
        phiY += q * potentials[2 * termStride + slot]!;
      }
    }
    const rx = y[2 * i]! - centre;
    const ry = y[2 * i + 1]! - centreY;
    forces[2 * i] = rx * phi0 - phiX;
    forces[2 * i + 1] = ry * phi0 - phiY;
    z += (1 + 2 * (rx * rx + ry * ry)) * phi0 - 2 * (rx * phiX + ry * phiY) - 1;
  }
  zPartials[chunk] = z;
});

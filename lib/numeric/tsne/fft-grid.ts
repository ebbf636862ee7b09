// The FFT half of the interpolated t-SNE repulsion: the grid's geometry, the kernel's spectrum, and the 2-D
// convolution of interpolation-node values with the kernel (fft.js, radix-4 on power-of-two sizes).
import FFT from "fft.js";
import { kernelTask } from "../parallel";

/** An equispaced square grid of boxes over the layout, `points` interpolation nodes per box and dimension. */
export interface GridGeometry {
  /** Boxes per dimension. */
  boxes: number;
  /** Interpolation nodes per box and dimension (p). */
  points: number;
  /** Nodes per dimension, m = boxes · points. */
  nodes: number;
  /** FFT length per dimension: a power of two ≥ 2m, so the circular convolution does not wrap. */
  size: number;
  /** Box width in layout units. */
  boxWidth: number;
  /** Distance between neighbouring nodes, boxWidth / points (nodes sit at (t + ½) · spacing from the grid's edge). */
  spacing: number;
}

/** Box widths are rounded up to powers of 2^(1/LADDER_STEPS), so the kernel's spectrum is reused for many iterations. */
const LADDER_STEPS = 16;

/**
 * The grid for a layout whose wider side spans `spread`: at least max(minBoxes, ⌊spread / intervalsPerInteger⌋) boxes
 * per dimension (the rule of FIt-SNE and openTSNE), then as many more as the power-of-two FFT length holds anyway —
 * they cost nothing in the FFT and make the interpolation finer.
 */
export function chooseGrid(
  spread: number,
  minBoxes: number,
  intervalsPerInteger: number,
  points: number,
): GridGeometry {
  const wanted = Math.max(minBoxes, Math.floor(spread / intervalsPerInteger));
  let size = 4;
  while (size < 2 * points * wanted) size *= 2;
  const boxes = Math.floor(size / (2 * points));
  const raw = Math.max(spread, 1e-9) / boxes;
  const boxWidth = 2 ** (Math.ceil(Math.log2(raw) * LADDER_STEPS) / LADDER_STEPS);
  return { boxes, points, nodes: boxes * points, size, boxWidth, spacing: boxWidth / points };
}

/** Per-thread FFT plans and scratch by FFT length: each worker thread keeps its own (module state on purpose). */
interface Workspace {
  fft: FFT;
  /** [size, size] complex, interleaved: the rows' spectra, then the convolved rows. */
  work: Float64Array;
  a: Float64Array;
  b: Float64Array;
}
const workspaces = new Map<number, Workspace>();

function workspaceFor(size: number): Workspace {
  let ws = workspaces.get(size);
  if (!ws) {
    ws = {
      fft: new FFT(size),
      work: new Float64Array(2 * size * size),
      a: new Float64Array(2 * size),
      b: new Float64Array(2 * size),
    };
    workspaces.set(size, ws);
  }
  return ws;
}

/**
 * The 2-D DFT of the squared Cauchy kernel K(d) = 1 / (1 + |d|²)² sampled at node offsets (di, dj) · spacing,
 * |di|, |dj| < nodes, stored circularly on the [size, size] grid. The sampled kernel is real and even in both
 * offsets, so its spectrum is real and symmetric: [size, size], row-major (equal to its transpose).
 */
export function kernelSpectrum(grid: GridGeometry, out: Float64Array): void {
  const { size, nodes, spacing } = grid;
  const { fft, work, a, b } = workspaceFor(size);
  for (let r = 0; r < size; r++) {
    // Row r holds offset di = r (r < nodes) or r - size (r > size - nodes); the rest are zero rows.
    const di = r < nodes ? r : r > size - nodes ? r - size : NaN;
    a.fill(0);
    if (!Number.isNaN(di)) {
      for (let c = 0; c < size; c++) {
        const dj = c < nodes ? c : c > size - nodes ? c - size : NaN;
        if (Number.isNaN(dj)) continue;
        const w = 1 / (1 + spacing * spacing * (di * di + dj * dj));
        a[2 * c] = w * w;
      }
    }
    fft.transform(b, a);
    work.set(b, 2 * r * size);
  }
  for (let c = 0; c < size; c++) {
    for (let r = 0; r < size; r++) {
      a[2 * r] = work[2 * (r * size + c)]!;
      a[2 * r + 1] = work[2 * (r * size + c) + 1]!;
    }
    fft.transform(b, a);
    for (let r = 0; r < size; r++) out[r * size + c] = b[2 * r]!;
  }
}

/**
 * Convolves pair `chunk` of node grids with the kernel: `grid` holds pairs of real node grids packed as complex
 * values ([pairs, nodes, nodes] complex, interleaved; real part one term, imaginary part another), `potentials` gets
 * the same shape. The kernel's spectrum is real, so each part convolves on its own. Rows of the grid past `nodes` are
 * zero: only `nodes` row transforms, then per column the forward transform, the product and the inverse transform
 * (only the first `nodes` rows are kept), then `nodes` inverse row transforms.
 */
export const convolvePairChunk = kernelTask(import.meta.url, "convolvePairChunk", (chunk, args) => {
  const m = args.nodes as number;
  const size = args.size as number;
  const grid = args.grid as Float64Array;
  const potentials = args.potentials as Float64Array;
  const spectrum = args.spectrum as Float64Array;
  const { fft, work, a, b } = workspaceFor(size);
  const base = chunk * 2 * m * m;
  for (let r = 0; r < m; r++) {
    a.fill(0);
    a.set(grid.subarray(base + 2 * r * m, base + 2 * (r + 1) * m));
    fft.transform(b, a);
    work.set(b, 2 * r * size);
  }
  for (let c = 0; c < size; c++) {
    for (let r = 0; r < m; r++) {
      a[2 * r] = work[2 * (r * size + c)]!;
      a[2 * r + 1] = work[2 * (r * size + c) + 1]!;
    }
    a.fill(0, 2 * m);
    fft.transform(b, a);
    // The spectrum is symmetric, so its column c is its row c: contiguous.
    const column = c * size;
    for (let r = 0; r < size; r++) {
      const k = spectrum[column + r]!;
      b[2 * r] = b[2 * r]! * k;
      b[2 * r + 1] = b[2 * r + 1]! * k;
    }
    fft.inverseTransform(a, b);
    for (let r = 0; r < m; r++) {
      work[2 * (r * size + c)] = a[2 * r]!;
      work[2 * (r * size + c) + 1] = a[2 * r + 1]!;
    }
  }
  for (let r = 0; r < m; r++) {
    fft.inverseTransform(b, work.subarray(2 * r * size, 2 * (r + 1) * size));
    potentials.set(b.subarray(0, 2 * m), base + 2 * r * m);
  }
});

// The FFT half of the interpolated t-SNE repulsion: the grid's geometry, the kernel's spectrum, and the 2-D
// convolutions of interpolation-node values with the kernel (fft.js, radix-4 on power-of-two sizes).
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

/** Kernel sums convolved on the grid: Σ K², Σ K² x and Σ K² y (Z needs no fourth sum, see fft-repulsion.ts). */
export const TERMS = 3;
/** Rows or columns of one term per chunk of the FFT passes (a partition fixed by the grid alone). */
const BLOCK = 16;

/** Per-thread FFT plans and scratch by FFT length: each worker thread keeps its own (module state on purpose). */
interface Workspace {
  fft: FFT;
  /** [size] real or [size] complex rows. */
  a: Float64Array;
  b: Float64Array;
  /** BLOCK columns of [size] complex each, gathered together so each row of the work array is read once. */
  columns: Float64Array;
}
const workspaces = new Map<number, Workspace>();

function workspaceFor(size: number): Workspace {
  let ws = workspaces.get(size);
  if (!ws) {
    ws = {
      fft: new FFT(size),
      a: new Float64Array(2 * size),
      b: new Float64Array(2 * size),
      columns: new Float64Array(2 * size * BLOCK),
    };
    workspaces.set(size, ws);
  }
  return ws;
}

/**
 * The 2-D DFT of the squared Cauchy kernel K(d) = 1 / (1 + |d|²)² sampled at node offsets (di, dj) · spacing,
 * |di|, |dj| < nodes, stored circularly on the [size, size] grid. The sampled kernel is real and even in both
 * offsets, so its spectrum is real and symmetric; `spectrum` gets the columns c ≤ size / 2 the convolution uses, as
 * [size / 2 + 1, size] (column c contiguous). Two pool runs through `work` ([size, size / 2 + 1] complex at least).
 */
export function kernelSpectrum(run: (task: typeof spectrumRowsChunk, chunks: number) => void, size: number): void {
  run(spectrumRowsChunk, Math.ceil(size / BLOCK));
  run(spectrumColumnsChunk, Math.ceil((size / 2 + 1) / BLOCK));
}

/** Chunk = BLOCK rows of the sampled kernel: real-input FFT of each, half spectrum into `work`. */
export const spectrumRowsChunk = kernelTask(import.meta.url, "spectrumRowsChunk", (chunk, args) => {
  const m = args.nodes as number;
  const size = args.size as number;
  const spacing = args.spacing as number;
  const work = args.work as Float64Array;
  const half = size / 2 + 1;
  const { fft, a, b } = workspaceFor(size);
  for (let r = chunk * BLOCK; r < Math.min(size, (chunk + 1) * BLOCK); r++) {
    // Row r holds offset di = r (r < m) or r − size (r > size − m); the rest are zero rows.
    const di = r < m ? r : r > size - m ? r - size : NaN;
    a.fill(0, 0, size);
    if (!Number.isNaN(di)) {
      for (let c = 0; c < size; c++) {
        const dj = c < m ? c : c > size - m ? c - size : NaN;
        if (Number.isNaN(dj)) continue;
        const w = 1 / (1 + spacing * spacing * (di * di + dj * dj));
        a[c] = w * w;
      }
    }
    fft.realTransform(b, a.subarray(0, size));
    work.set(b.subarray(0, 2 * half), 2 * r * half);
  }
});

/** Chunk = BLOCK columns c ≤ size / 2: column FFT of the rows' spectra; its real part is the kernel's spectrum. */
export const spectrumColumnsChunk = kernelTask(import.meta.url, "spectrumColumnsChunk", (chunk, args) => {
  const size = args.size as number;
  const work = args.work as Float64Array;
  const spectrum = args.spectrum as Float64Array;
  const half = size / 2 + 1;
  const { fft, a, b } = workspaceFor(size);
  for (let c = chunk * BLOCK; c < Math.min(half, (chunk + 1) * BLOCK); c++) {
    for (let r = 0; r < size; r++) {
      a[2 * r] = work[2 * (r * half + c)]!;
      a[2 * r + 1] = work[2 * (r * half + c) + 1]!;
    }
    fft.transform(b, a);
    for (let r = 0; r < size; r++) spectrum[c * size + r] = b[2 * r]!;
  }
});

/** Chunk counts of the three FFT passes for a grid. */
export function convolutionChunks(grid: GridGeometry): { rows: number; columns: number } {
  const half = grid.size / 2 + 1;
  return { rows: TERMS * Math.ceil(grid.nodes / BLOCK), columns: TERMS * Math.ceil(half / BLOCK) };
}

/**
 * Convolves each of the TERMS real node grids in `grid` ([TERMS, nodes, nodes]) with the kernel into `potentials`
 * (same shape), through `work` ([TERMS, nodes, size / 2 + 1] complex): real-input row transforms, then per column the
 * forward transform, the product with the real spectrum and the inverse (rows past `nodes` are zero going in and not
 * needed coming out), then the inverse row transforms two rows at a time. Three pool runs of BLOCK-sized chunks.
 */
export function convolveTerms(run: (task: typeof rowsForwardChunk, chunks: number) => void, grid: GridGeometry): void {
  const { rows, columns } = convolutionChunks(grid);
  run(rowsForwardChunk, rows);
  run(columnsChunk, columns);
  run(rowsInverseChunk, rows);
}

/** Chunk = BLOCK rows of one term: real-input FFT of each (zero-padded to `size`), half spectrum into `work`. */
export const rowsForwardChunk = kernelTask(import.meta.url, "rowsForwardChunk", (chunk, args) => {
  const m = args.nodes as number;
  const size = args.size as number;
  const grid = args.grid as Float64Array;
  const work = args.work as Float64Array;
  const half = size / 2 + 1;
  const blocks = Math.ceil(m / BLOCK);
  const term = Math.floor(chunk / blocks);
  const first = (chunk % blocks) * BLOCK;
  const { fft, a, b } = workspaceFor(size);
  a.fill(0);
  for (let r = first; r < Math.min(m, first + BLOCK); r++) {
    a.set(grid.subarray((term * m + r) * m, (term * m + r + 1) * m));
    fft.realTransform(b, a);
    work.set(b.subarray(0, 2 * half), 2 * (term * m + r) * half);
  }
});

/** Chunk = BLOCK columns of one term's half spectrum: forward column FFT, product with the kernel's, inverse. */
export const columnsChunk = kernelTask(import.meta.url, "columnsChunk", (chunk, args) => {
  const m = args.nodes as number;
  const size = args.size as number;
  const work = args.work as Float64Array;
  const spectrum = args.spectrum as Float64Array;
  const half = size / 2 + 1;
  const blocks = Math.ceil(half / BLOCK);
  const term = Math.floor(chunk / blocks);
  const first = (chunk % blocks) * BLOCK;
  const count = Math.min(half, first + BLOCK) - first;
  const { fft, a, b, columns } = workspaceFor(size);
  const stride = 2 * size;
  columns.fill(0);
  for (let r = 0; r < m; r++) {
    const row = 2 * ((term * m + r) * half + first);
    for (let j = 0; j < count; j++) {
      columns[j * stride + 2 * r] = work[row + 2 * j]!;
      columns[j * stride + 2 * r + 1] = work[row + 2 * j + 1]!;
    }
  }
  for (let j = 0; j < count; j++) {
    fft.transform(b, columns.subarray(j * stride, (j + 1) * stride));
    // The spectrum is symmetric, so its column c is its row c: contiguous.
    const column = (first + j) * size;
    for (let r = 0; r < size; r++) {
      const k = spectrum[column + r]!;
      b[2 * r] = b[2 * r]! * k;
      b[2 * r + 1] = b[2 * r + 1]! * k;
    }
    fft.inverseTransform(a, b);
    columns.set(a.subarray(0, 2 * m), j * stride);
  }
  for (let r = 0; r < m; r++) {
    const row = 2 * ((term * m + r) * half + first);
    for (let j = 0; j < count; j++) {
      work[row + 2 * j] = columns[j * stride + 2 * r]!;
      work[row + 2 * j + 1] = columns[j * stride + 2 * r + 1]!;
    }
  }
});

/**
 * Chunk = BLOCK rows of one term: rows r and r + 1 have Hermitian spectra X and Y, so one inverse complex FFT of
 * X + iY gives row r in its real part and row r + 1 in its imaginary part.
 */
export const rowsInverseChunk = kernelTask(import.meta.url, "rowsInverseChunk", (chunk, args) => {
  const m = args.nodes as number;
  const size = args.size as number;
  const work = args.work as Float64Array;
  const potentials = args.potentials as Float64Array;
  const half = size / 2 + 1;
  const blocks = Math.ceil(m / BLOCK);
  const term = Math.floor(chunk / blocks);
  const first = (chunk % blocks) * BLOCK;
  const { fft, a, b } = workspaceFor(size);
  for (let r = first; r < Math.min(m, first + BLOCK); r += 2) {
    const paired = r + 1 < m;
    const x = 2 * (term * m + r) * half;
    const y = x + 2 * half;
    for (let k = 0; k < half; k++) {
      const xr = work[x + 2 * k]!;
      const xi = work[x + 2 * k + 1]!;
      const yr = paired ? work[y + 2 * k]! : 0;
      const yi = paired ? work[y + 2 * k + 1]! : 0;
      a[2 * k] = xr - yi;
      a[2 * k + 1] = xi + yr;
      if (k > 0 && k < size - half + 1) {
        // X[size − k] = conj X[k], likewise Y.
        a[2 * (size - k)] = xr + yi;
        a[2 * (size - k) + 1] = yr - xi;
      }
    }
    fft.inverseTransform(b, a);
    const out = (term * m + r) * m;
    for (let t = 0; t < m; t++) potentials[out + t] = b[2 * t]!;
    if (paired) for (let t = 0; t < m; t++) potentials[out + m + t] = b[2 * t + 1]!;
  }
});

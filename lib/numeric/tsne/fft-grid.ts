// The FFT half of the interpolated t-SNE repulsion: the grid's geometry, the kernel's spectrum, and the 2-D
// convolutions of interpolation-node values with the kernel (PFFFT, float32, on lengths 32 · 2^a · 3^b · 5^c).
import { kernelTask } from "../parallel";
import { fftPlan, fftSizeAtLeast } from "./pffft";

/** An equispaced square grid of boxes over the layout, `points` interpolation nodes per box and dimension. */
export interface GridGeometry {
  /** Boxes per dimension. */
  boxes: number;
  /** Interpolation nodes per box and dimension (p). */
  points: number;
  /** Nodes per dimension, m = boxes · points. */
  nodes: number;
  /** FFT length per dimension: the smallest PFFFT length ≥ 2m, so the circular convolution does not wrap. */
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
 * per dimension (the rule of FIt-SNE and openTSNE), then as many more as the FFT length holds anyway — PFFFT's
 * lengths lie close together (within ~12 % above 500), so that is a few boxes, not the up to 2× of a power of two.
 */
export function chooseGrid(
  spread: number,
  minBoxes: number,
  intervalsPerInteger: number,
  points: number,
): GridGeometry {
  const wanted = Math.max(minBoxes, Math.floor(spread / intervalsPerInteger));
  const size = fftSizeAtLeast(2 * points * wanted);
  const boxes = Math.floor(size / (2 * points));
  const raw = Math.max(spread, 1e-9) / boxes;
  const boxWidth = 2 ** (Math.ceil(Math.log2(raw) * LADDER_STEPS) / LADDER_STEPS);
  return { boxes, points, nodes: boxes * points, size, boxWidth, spacing: boxWidth / points };
}

/** Kernel sums convolved on the grid: Σ K², Σ K² x and Σ K² y (Z needs no fourth sum, see fft-repulsion.ts). */
export const TERMS = 3;
/** Rows or columns of one term per chunk of the FFT passes (a partition fixed by the grid alone). */
const BLOCK = 16;

/**
 * A row's packed real spectrum [F(0), F(size/2), re 1, im 1, …] as size / 2 + 1 columns: column 0 is F(0), column
 * size / 2 is F(size/2) (both real), column q between them the complex F(q). Offsets of column q's real part.
 */
function realAt(q: number, size: number): number {
  return q === 0 ? 0 : q === size / 2 ? 1 : 2 * q;
}

/** Floats of `work` the passes need: the terms' packed row spectra, or the kernel's half spectrum rows. */
export function workLength(grid: GridGeometry): number {
  return Math.max(TERMS * grid.nodes * grid.size, grid.size * (grid.size / 2 + 1));
}

/** Floats of the kernel's spectrum: size / 2 + 1 columns of size complex multipliers in PFFFT's internal order. */
export function spectrumLength(grid: GridGeometry): number {
  return (grid.size / 2 + 1) * 2 * grid.size;
}

/**
 * The 2-D DFT of the squared Cauchy kernel K(d) = 1 / (1 + |d|²)² sampled at node offsets (di, dj) · spacing,
 * |di|, |dj| < nodes, stored circularly on the [size, size] grid, divided by size² (the transforms are unscaled).
 * The sampled kernel is real and even in both offsets, so its spectrum is real and even, and two passes of real
 * transforms give it. `spectrum` gets, for each column c ≤ size / 2, the multipliers of a column's complex spectrum
 * in PFFFT's internal order (each value twice, for the real and the imaginary part). Two pool runs through `work`.
 */
export function kernelSpectrum(run: (task: typeof spectrumRowsChunk, chunks: number) => void, size: number): void {
  run(spectrumRowsChunk, Math.ceil(size / BLOCK));
  run(spectrumColumnsChunk, Math.ceil((size / 2 + 1) / BLOCK));
}

/** Chunk = BLOCK rows of the sampled kernel: real transform of each, the real half spectrum into `work` [size, half]. */
export const spectrumRowsChunk = kernelTask(import.meta.url, "spectrumRowsChunk", (chunk, args) => {
  const m = args.nodes as number;
  const size = args.size as number;
  const spacing = args.spacing as number;
  const work = args.work as Float32Array;
  const half = size / 2 + 1;
  const plan = fftPlan(size);
  const { input, output } = plan;
  for (let r = chunk * BLOCK; r < Math.min(size, (chunk + 1) * BLOCK); r++) {
    // Row r holds offset di = r (r < m) or r − size (r > size − m); the rest are zero rows.
    const di = r < m ? r : r > size - m ? r - size : NaN;
    input.fill(0, 0, size);
    if (!Number.isNaN(di)) {
      for (let c = 0; c < size; c++) {
        const dj = c < m ? c : c > size - m ? c - size : NaN;
        if (Number.isNaN(dj)) continue;
        const w = 1 / (1 + spacing * spacing * (di * di + dj * dj));
        input[c] = w * w;
      }
    }
    plan.realForward();
    // An even row has a real spectrum: keep the real parts.
    for (let q = 0; q < half; q++) work[r * half + q] = output[realAt(q, size)]!;
  }
});

/** Chunk = BLOCK columns c ≤ size / 2: real transform of the rows' spectra down column c, as internal multipliers. */
export const spectrumColumnsChunk = kernelTask(import.meta.url, "spectrumColumnsChunk", (chunk, args) => {
  const size = args.size as number;
  const work = args.work as Float32Array;
  const spectrum = args.spectrum as Float32Array;
  const half = size / 2 + 1;
  const scale = 1 / (size * size);
  const plan = fftPlan(size);
  const { input, output } = plan;
  const column = new Float64Array(half);
  for (let c = chunk * BLOCK; c < Math.min(half, (chunk + 1) * BLOCK); c++) {
    for (let r = 0; r < size; r++) input[r] = work[r * half + c]!;
    plan.realForward();
    for (let u = 0; u < half; u++) column[u] = output[realAt(u, size)]! * scale;
    // The multiplier of frequency u (and size − u) on both parts of a complex value, then into internal order.
    for (let u = 0; u < size; u++) {
      const k = column[u < half ? u : size - u]!;
      input[2 * u] = k;
      input[2 * u + 1] = k;
    }
    plan.complexToInternal();
    spectrum.set(output, c * 2 * size);
  }
});

/** Chunk counts of the three FFT passes for a grid. */
export function convolutionChunks(grid: GridGeometry): { rows: number; columns: number } {
  const half = grid.size / 2 + 1;
  return { rows: TERMS * Math.ceil(grid.nodes / BLOCK), columns: TERMS * Math.ceil(half / BLOCK) };
}

/**
 * Convolves each of the TERMS real node grids in `grid` ([TERMS, nodes, nodes], float64) with the kernel into
 * `potentials` (same shape), through `work` ([TERMS, nodes, size] float32, packed row spectra): real row transforms
 * (zero-padded to `size`), then per column the forward transform, the product with the kernel's spectrum and the
 * inverse (rows past `nodes` are zero going in and not needed coming out), then the inverse real row transforms.
 * Three pool runs of BLOCK-sized chunks.
 */
export function convolveTerms(run: (task: typeof rowsForwardChunk, chunks: number) => void, grid: GridGeometry): void {
  const { rows, columns } = convolutionChunks(grid);
  run(rowsForwardChunk, rows);
  run(columnsChunk, columns);
  run(rowsInverseChunk, rows);
}

/** Chunk = BLOCK rows of one term: real transform of each (zero-padded to `size`), packed spectrum into `work`. */
export const rowsForwardChunk = kernelTask(import.meta.url, "rowsForwardChunk", (chunk, args) => {
  const m = args.nodes as number;
  const size = args.size as number;
  const grid = args.grid as Float64Array;
  const work = args.work as Float32Array;
  const blocks = Math.ceil(m / BLOCK);
  const term = Math.floor(chunk / blocks);
  const first = (chunk % blocks) * BLOCK;
  const plan = fftPlan(size);
  const { input, output } = plan;
  // The transforms leave `input` as it is: the padding past m stays zero.
  input.fill(0, m, size);
  for (let r = first; r < Math.min(m, first + BLOCK); r++) {
    input.set(grid.subarray((term * m + r) * m, (term * m + r + 1) * m));
    plan.realForward();
    work.set(output.subarray(0, size), (term * m + r) * size);
  }
});

/** Per-thread scratch of the column pass by FFT length: BLOCK columns of `nodes` complex values (module state). */
const columnScratch = new Map<number, Float32Array>();

/** Chunk = BLOCK columns of one term's packed spectra: forward column transform, product with the kernel's, inverse. */
export const columnsChunk = kernelTask(import.meta.url, "columnsChunk", (chunk, args) => {
  const m = args.nodes as number;
  const size = args.size as number;
  const work = args.work as Float32Array;
  const spectrum = args.spectrum as Float32Array;
  const half = size / 2 + 1;
  const blocks = Math.ceil(half / BLOCK);
  const term = Math.floor(chunk / blocks);
  const first = (chunk % blocks) * BLOCK;
  const count = Math.min(half, first + BLOCK) - first;
  const plan = fftPlan(size);
  const { input, output } = plan;
  const stride = 2 * size;
  let columns = columnScratch.get(size);
  if (!columns || columns.length < 2 * m * BLOCK) {
    columns = new Float32Array(2 * m * BLOCK);
    columnScratch.set(size, columns);
  }
  // Where each column's real and imaginary parts sit in a row of `work`; F(0) and F(size/2) are real (no imaginary
  // slot, -1: read as 0), so their columns are real sequences.
  const re = new Int32Array(count);
  const im = new Int32Array(count);
  for (let j = 0; j < count; j++) {
    const q = first + j;
    const real = q === 0 || q === size / 2;
    re[j] = realAt(q, size);
    im[j] = real ? -1 : realAt(q, size) + 1;
  }
  // The chunk's columns gathered together (each row of `work` read once), [count, m] complex.
  for (let r = 0; r < m; r++) {
    const row = (term * m + r) * size;
    for (let j = 0; j < count; j++) {
      columns[2 * (j * m + r)] = work[row + re[j]!]!;
      columns[2 * (j * m + r) + 1] = im[j]! < 0 ? 0 : work[row + im[j]!]!;
    }
  }
  // The forward transform leaves `input` as it is, and the inverse works on `output`: the padding stays zero.
  input.fill(0, 2 * m, stride);
  for (let j = 0; j < count; j++) {
    input.set(columns.subarray(2 * j * m, 2 * (j + 1) * m));
    plan.complexForward();
    const multipliers = (first + j) * stride;
    for (let k = 0; k < stride; k++) output[k] = output[k]! * spectrum[multipliers + k]!;
    plan.complexInverseInPlace();
    columns.set(output.subarray(0, 2 * m), 2 * j * m);
  }
  for (let r = 0; r < m; r++) {
    const row = (term * m + r) * size;
    for (let j = 0; j < count; j++) {
      work[row + re[j]!] = columns[2 * (j * m + r)]!;
      if (im[j]! >= 0) work[row + im[j]!] = columns[2 * (j * m + r) + 1]!;
    }
  }
});

/** Chunk = BLOCK rows of one term: inverse real transform of each packed spectrum, its first m values kept. */
export const rowsInverseChunk = kernelTask(import.meta.url, "rowsInverseChunk", (chunk, args) => {
  const m = args.nodes as number;
  const size = args.size as number;
  const work = args.work as Float32Array;
  const potentials = args.potentials as Float64Array;
  const blocks = Math.ceil(m / BLOCK);
  const term = Math.floor(chunk / blocks);
  const first = (chunk % blocks) * BLOCK;
  const plan = fftPlan(size);
  const { input, output } = plan;
  for (let r = first; r < Math.min(m, first + BLOCK); r++) {
    const row = (term * m + r) * size;
    input.set(work.subarray(row, row + size));
    plan.realInverse();
    const out = (term * m + r) * m;
    for (let t = 0; t < m; t++) potentials[out + t] = output[t]!;
  }
});

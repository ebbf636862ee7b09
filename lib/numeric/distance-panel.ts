// Panels of squared distances (a block of rows against every row) in the dot-product form on a WebAssembly SIMD tile,
// with a rigorous error bound so callers can re-check near-ties in the plain form and stay exact.
//
// Exactness: the figures built on these panels are defined by the plain form, Σ_c (x_c − y_c)² summed in float64 in
// column order (exactDistanceSq), as the earlier code computed every distance. The dot form ‖x‖² + ‖y‖² − 2 x·y costs
// one multiply-add per column instead of three operations and tiles well, but it rounds differently, and for near
// points it cancels. So it is only a filter: |panel − plain| ≤ slack · (‖x‖² + ‖y‖²) + tiny (see prepareRows), and a
// caller compares a panel value with a threshold only when it is further from it than that bound; inside the bound it
// computes the plain distance. Duplicate rows give panel values equal to each other bit for bit (a value depends only
// on the two rows), and a row against itself gives exactly 0.
import { TILE_A, TILE_B, tileModuleBytes, type TileKernel, type TilePrecision } from "./distance-tile-wasm";

/** Rows prepared for panels: the columns kept, their norms and the bound of the dot form's error. */
export interface PreparedRows {
  /**
   * [rows, cols] row-major: the kept columns in order, zero-padded to a multiple of the tile's lanes (4 float32 or 2
   * float64); shared memory when asked. Float32 input stays float32 whatever the tile's precision.
   */
  data: Float32Array | Float64Array;
  /** What the tile sums in (its lanes, and the slack). */
  precision: TilePrecision;
  rows: number;
  /** Kept columns plus padding. */
  cols: number;
  /** [rows] Σ x² of each row summed as the tile kernel sums it (per lane), so a row's panel value to itself is 0. */
  norms: Float64Array;
  /** |panel(i, l) − exactDistanceSq(i, l)| ≤ slack · (norms[i] + norms[l]) + tiny. */
  slack: number;
  tiny: number;
  /** Largest norm: slack · (norms[i] + maxNorm) + tiny bounds every error of row i's panel. */
  maxNorm: number;
}

export interface PrepareOptions {
  /** Column order of the sums (default: as stored). All-zero columns are dropped from it: their terms are exact zeros. */
  columnOrder?: Int32Array;
  /** Put data and norms in SharedArrayBuffers, for a pool with more than one thread. */
  shared?: boolean;
  /**
   * Keep all-zero columns (default false). Dropping them never changes a plain distance, but it moves the columns
   * after them to other lanes, so panel values of the same two rows from two subsets agree bit for bit only if both
   * keep the same columns.
   */
  keepZeroColumns?: boolean;
}

/** Largest magnitude the float32 tile takes: its sums of squares must stay far from float32's overflow. */
const FLOAT32_MAX_ABS = 1e15;
/**
 * Most kept columns the float32 tile takes. Its error bound grows with the columns a lane sums (width / 4 terms at
 * 2^-24 each) while wide rows' distances crowd together, so more and more near-ties go to the plain form: on 2,000
 * random ReLU rows the whole figure cost 2.8× the panel at 512 columns, 4.4× at 2,048 and 6× at 5,408, where the
 * float64 tile (half the speed, ~1e-12 bound) wins.
 */
const FLOAT32_MAX_COLUMNS = 1024;

/**
 * Copies `data` [rows, cols] (row-major) for panels: columns in `columnOrder`, all-zero columns (dead ReLU units)
 * dropped, zero-padded to the lanes. Float32 input gets the float32 tile (four lanes: twice the speed; its wider error
 * bound only sends a few more near-ties to the plain form) up to 1,024 kept columns and ±1e15; wider float32 rows
 * (a CNN's conv layers) and float64 input get the float64 tile (the pair figures sum panel distances, so they want
 * its precision).
 */
export function prepareRows(
  data: Float32Array | Float64Array,
  rows: number,
  cols: number,
  options: PrepareOptions = {},
): PreparedRows {
  if (data.length !== rows * cols) throw new RangeError(`data has ${data.length} values, expected ${rows} x ${cols}`);
  const order = options.columnOrder ?? Int32Array.from({ length: cols }, (_, c) => c);
  const used = new Uint8Array(cols);
  let maxAbs = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c]!;
      if (v !== 0) used[c] = 1;
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
  }
  const kept = options.keepZeroColumns ? order : order.filter((c) => used[c] === 1);
  const precision: TilePrecision =
    data instanceof Float32Array && maxAbs <= FLOAT32_MAX_ABS && kept.length <= FLOAT32_MAX_COLUMNS
      ? "float32"
      : "float64";
  // Float32 storage (half the memory) also for the float64 tile: the copy into its scratch converts exactly.
  const lanes = precision === "float32" ? 4 : 2;
  const width = Math.max(lanes, Math.ceil(kept.length / lanes) * lanes);
  const Type = data instanceof Float32Array ? Float32Array : Float64Array;
  const bytes = rows * width * Type.BYTES_PER_ELEMENT;
  const out: Float32Array | Float64Array = new Type(
    (options.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)) as ArrayBuffer,
  );
  for (let r = 0; r < rows; r++) {
    const src = r * cols;
    const dst = r * width;
    for (let c = 0; c < kept.length; c++) out[dst + c] = data[src + kept[c]!]!;
  }
  const norms = options.shared ? new Float64Array(new SharedArrayBuffer(rows * 8)) : new Float64Array(rows);
  let maxNorm = 0;
  for (let r = 0; r < rows; r++) {
    norms[r] = precision === "float32" ? laneDot32(out, r * width, width) : laneDot64(out, r * width, width);
    maxNorm = Math.max(maxNorm, norms[r]!);
  }
  // Dot form: each lane sums m = width / lanes products in the tile's precision (unit roundoff v): error
  // ≤ γ_{m+1} Σ|x y| ≤ γ_{m+1} (‖x‖² + ‖y‖²) / 2; each norm likewise; then float64 lane sums and three roundings.
  // The plain form errs by ≤ γ_{C+3} (float64) of a distance ≤ 2 (‖x‖² + ‖y‖²). Twice the total, for safety.
  const u = 2 ** -53;
  const v = precision === "float32" ? 2 ** -24 : u;
  const slack = 2 * (2 * (width / lanes + 2) * v + (2 * kept.length + 16) * u);
  // Products below the precision's normal range lose absolute, not relative, accuracy.
  const tiny = precision === "float32" ? 4 * width * 2 ** -126 : 4 * width * 2 ** -1022;
  return { data: out, precision, rows, cols: width, norms, slack, tiny, maxNorm };
}

/** Σ x² of the row at `a` as the float64 tile sums it: even and odd columns apart, then added. */
function laneDot64(data: Float32Array | Float64Array, a: number, len: number): number {
  let even = 0;
  let odd = 0;
  for (let c = 0; c < len; c += 2) {
    even += data[a + c]! * data[a + c]!;
    odd += data[a + c + 1]! * data[a + c + 1]!;
  }
  return even + odd;
}

/**
 * Σ x² of the row at `a` as the float32 tile sums it: four float32 lanes (columns mod 4; float64 arithmetic rounded
 * by Math.fround gives float32's own results, as 53 ≥ 2 · 24 + 2), added in float64 as (0 + 1) + (2 + 3).
 */
function laneDot32(data: Float32Array | Float64Array, a: number, len: number): number {
  const f = Math.fround;
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  for (let c = 0; c < len; c += 4) {
    const x0 = data[a + c]!;
    const x1 = data[a + c + 1]!;
    const x2 = data[a + c + 2]!;
    const x3 = data[a + c + 3]!;
    l0 = f(l0 + f(x0 * x0));
    l1 = f(l1 + f(x1 * x1));
    l2 = f(l2 + f(x2 * x2));
    l3 = f(l3 + f(x3 * x3));
  }
  return l0 + l1 + (l2 + l3);
}

/** The plain squared distance of rows i and l: Σ_c (x_c − y_c)² in float64, in column order. */
export function exactDistanceSq(p: Pick<PreparedRows, "data" | "cols">, i: number, l: number): number {
  const { data, cols } = p;
  const a = i * cols;
  const b = l * cols;
  let s = 0;
  for (let c = 0; c < cols; c++) {
    const d = data[a + c]! - data[b + c]!;
    s += d * d;
  }
  return s;
}

/**
 * exactDistanceSq of row i to each of rows[0 … count-1], into out[0 … count-1]. Each sum is still added in column
 * order, but four of them run side by side: one sum alone waits on its previous addition at every column.
 */
export function exactDistancesSq(
  p: Pick<PreparedRows, "data" | "cols">,
  i: number,
  rows: Int32Array,
  count: number,
  out: Float64Array,
): void {
  const { data, cols } = p;
  const a = i * cols;
  let q = 0;
  for (; q + 3 < count; q += 4) {
    const b0 = rows[q]! * cols;
    const b1 = rows[q + 1]! * cols;
    const b2 = rows[q + 2]! * cols;
    const b3 = rows[q + 3]! * cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let c = 0; c < cols; c++) {
      const x = data[a + c]!;
      const d0 = x - data[b0 + c]!;
      const d1 = x - data[b1 + c]!;
      const d2 = x - data[b2 + c]!;
      const d3 = x - data[b3 + c]!;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    out[q] = s0;
    out[q + 1] = s1;
    out[q + 2] = s2;
    out[q + 3] = s3;
  }
  for (; q < count; q++) out[q] = exactDistanceSq(p, i, rows[q]!);
}

/** A prepared set as pool arguments (typed arrays and numbers only), and back. */
export function panelArgs(p: PreparedRows): Record<string, number | Float32Array | Float64Array> {
  return {
    data: p.data,
    float64Tile: p.precision === "float64" ? 1 : 0,
    rows: p.rows,
    cols: p.cols,
    norms: p.norms,
    slack: p.slack,
    tiny: p.tiny,
    maxNorm: p.maxNorm,
  };
}

export function panelRows(args: Record<string, unknown>): PreparedRows {
  return {
    data: args.data as Float32Array | Float64Array,
    precision: args.float64Tile === 1 ? "float64" : "float32",
    rows: args.rows as number,
    cols: args.cols as number,
    norms: args.norms as Float64Array,
    slack: args.slack as number,
    tiny: args.tiny as number,
    maxNorm: args.maxNorm as number,
  };
}

/** Bytes of the B block held at a time: it stays in L2 while the A rows pass over it. */
const B_BLOCK_BYTES = 256 * 1024;

interface Scratch {
  memory: WebAssembly.Memory;
  tiles: Partial<Record<TilePrecision, TileKernel>>;
}

// One wasm memory per thread (each worker imports this module afresh): scratch reused across calls.
let scratch: Scratch | undefined;

function getTile(precision: TilePrecision, bytes: number): { memory: WebAssembly.Memory; tile: TileKernel } {
  scratch ??= { memory: new WebAssembly.Memory({ initial: 1, maximum: 65536 }), tiles: {} };
  const { memory, tiles } = scratch;
  let tile = tiles[precision];
  if (!tile) {
    const compiled = new WebAssembly.Module(tileModuleBytes(precision));
    tile = new WebAssembly.Instance(compiled, { env: { memory } }).exports.tile as TileKernel;
    tiles[precision] = tile;
  }
  const missing = bytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  return { memory, tile };
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/**
 * Dot-form squared distances of `count` rows (queries[first …] when given, else rows first …) against every row, or
 * the first `upTo` rows: panel[r · stride + l] for r < count, l < upTo (entries past it are padding or stale). The
 * view lives in this thread's scratch memory and is overwritten by the next call. O(count · upTo · cols).
 */
export function distancePanel(
  p: PreparedRows,
  first: number,
  count: number,
  queries?: Int32Array,
  upTo = p.rows,
): { panel: Float64Array; stride: number } {
  const { data, rows, cols, norms } = p;
  const precision = p.precision;
  const size = precision === "float32" ? 4 : 8;
  const na = roundUp(count, TILE_A);
  const stride = roundUp(rows, TILE_B);
  const nbMax = Math.min(stride, Math.max(TILE_B, Math.floor(B_BLOCK_BYTES / (size * cols) / TILE_B) * TILE_B));
  // Byte layout, 16-aligned: A [na, cols], B [nbMax, cols] (rows' type); normA [na], normB [nbMax], panel [na, stride].
  const aAt = 0;
  const bAt = roundUp(aAt + na * cols * size, 16);
  const normAAt = roundUp(bAt + nbMax * cols * size, 16);
  const normBAt = normAAt + roundUp(na * 8, 16);
  const outAt = normBAt + roundUp(nbMax * 8, 16);
  const { memory, tile } = getTile(precision, outAt + na * stride * 8);
  const Type = precision === "float32" ? Float32Array : Float64Array;
  const a = new Type(memory.buffer, aAt, na * cols);
  const b = new Type(memory.buffer, bAt, nbMax * cols);
  const normA = new Float64Array(memory.buffer, normAAt, na);
  const normB = new Float64Array(memory.buffer, normBAt, nbMax);
  for (let r = 0; r < na; r++) {
    if (r < count) {
      const row = queries ? queries[first + r]! : first + r;
      a.set(data.subarray(row * cols, (row + 1) * cols), r * cols);
      normA[r] = norms[row]!;
    } else {
      a.fill(0, r * cols, (r + 1) * cols);
      normA[r] = 0;
    }
  }
  for (let b0 = 0; b0 < upTo; b0 += nbMax) {
    const real = Math.min(nbMax, upTo - b0);
    const nb = roundUp(real, TILE_B);
    b.set(data.subarray(b0 * cols, (b0 + real) * cols));
    normB.set(norms.subarray(b0, b0 + real));
    if (nb > real) {
      b.fill(0, real * cols, nb * cols);
      normB.fill(0, real, nb);
    }
    tile(aAt, bAt, normAAt, normBAt, outAt + b0 * 8, na, nb, cols * size, stride * 8);
  }
  return { panel: new Float64Array(memory.buffer, outAt, na * stride), stride };
}

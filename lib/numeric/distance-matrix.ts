// The whole dot-form distance matrix of a few thousand rows, from the lower triangle's tiles mirrored: half the
// multiply-adds of a panel per row block, the same values bit for bit (written here: no package keeps panel bits).
import { distancePanel, panelArgs, panelRows, prepareRows, type PreparedRows } from "./distance-panel";
import { chunkCount, getPool, kernelTask, sharedFloat64, type ChunkArgs } from "./parallel";

/**
 * Most rows whose matrix (rows² float64: 72 MiB at 3,072) a pass keeps whole; larger sets go panel by panel. A
 * 2,000-digit probe source (32 MB) is what it is for.
 */
export const MATRIX_MAX_ROWS = 3072;

/** Rows per chunk: fixed, so any thread count writes the same matrix. */
const MATRIX_ROWS = 64;

/**
 * distancePanel's values for every pair of rows of `p`, as [rows, rows] row-major (shared when threads > 1). A panel
 * value depends only on its two rows and is symmetric ((‖x‖² + ‖y‖²) − 2 x·y, the dot summed lane by lane in column
 * order, x·y = y·x term by term), so each pair is computed once, below the diagonal, and mirrored. The diagonal is
 * exactly 0 as in the panels. O(rows² · cols / 2) on `threads` threads. The array is reused by the next call in this
 * thread: use it before then.
 */
export function distanceMatrix(p: PreparedRows, threads: number): Float64Array {
  const n = p.rows;
  generation++;
  const matrix = reusable(n * n, threads > 1);
  getPool(threads).run(matrixChunk, chunkCount(n, MATRIX_ROWS), { ...panelArgs(p), matrix });
  return matrix;
}

// The last matrix's memory: a lane scores source after source of the same size, and a fresh 32 MB array costs its
// page faults and zeroing each time (every entry is overwritten).
let kept: Float64Array | undefined;
/** distanceMatrix calls so far in this thread: a WholeDistances is good while it is the last. */
let generation = 0;

function reusable(length: number, shared: boolean): Float64Array {
  if (!kept || kept.length !== length || kept.buffer instanceof SharedArrayBuffer !== shared)
    kept = shared ? sharedFloat64(length) : new Float64Array(length);
  return kept;
}

/** Chunk c: rows c · 64 … against rows 0 … to the chunk's end, into their rows and (mirrored) columns. */
export const matrixChunk = kernelTask(import.meta.url, "matrixChunk", (chunk, args) => {
  const p = panelRows(args);
  const matrix = args.matrix as Float64Array;
  const n = p.rows;
  const first = chunk * MATRIX_ROWS;
  const count = Math.min(MATRIX_ROWS, n - first);
  const end = first + count;
  const { panel, stride } = distancePanel(p, first, count, undefined, end);
  for (let r = 0; r < count; r++) matrix.set(panel.subarray(r * stride, r * stride + end), (first + r) * n);
  // Rows before the chunk get its columns: row l's entries first … end - 1 are the panel's column l.
  for (let l = 0; l < first; l++) {
    const at = l * n + first;
    for (let r = 0; r < count; r++) matrix[at + r] = panel[r * stride + l]!;
  }
});

/** A few thousand rows prepared in float64 (every column kept) and their whole distance matrix, for several passes. */
export interface WholeDistances {
  prepared: PreparedRows;
  /** distanceMatrix(prepared): valid until the next distanceMatrix call in this thread (wholeMatrixOf checks). */
  matrix: Float64Array;
  generation: number;
}

/**
 * The whole distance matrix of `data` [rows, cols] once, for the passes that read it (a t-SNE's kNN, then the pair
 * and quality figures): rows copied exactly into float64, every column kept, as the pair figures prepare them.
 */
export function wholeDistances(
  data: Float32Array | Float64Array,
  rows: number,
  cols: number,
  threads: number,
): WholeDistances {
  if (rows > MATRIX_MAX_ROWS)
    throw new RangeError(`a whole distance matrix takes at most ${MATRIX_MAX_ROWS} rows (got ${rows})`);
  const prepared = prepareRows(Float64Array.from(data), rows, cols, { shared: threads > 1, keepZeroColumns: true });
  const matrix = distanceMatrix(prepared, threads);
  return { prepared, matrix, generation };
}

/** The matrix of `whole`, or an error if a later distanceMatrix call in this thread has overwritten it since. */
export function wholeMatrixOf(whole: WholeDistances): Float64Array {
  if (whole.generation !== generation)
    throw new Error("the whole distance matrix was overwritten by a later one: compute it again");
  return whole.matrix;
}

/**
 * A pass's pool argument: the whole matrix of `p` when `whole` (by default up to MATRIX_MAX_ROWS rows), else nothing
 * and each chunk computes its own panel (chunkPanel).
 */
export function matrixArg(p: PreparedRows, threads: number, whole = p.rows <= MATRIX_MAX_ROWS): ChunkArgs {
  return whole ? { matrix: distanceMatrix(p, threads) } : {};
}

/** Rows `first` … `first + count - 1` of a pass's distances: from its whole matrix (matrixArg) or a fresh panel. */
export function chunkPanel(
  args: ChunkArgs,
  p: PreparedRows,
  first: number,
  count: number,
): { panel: Float64Array; stride: number } {
  const matrix = args.matrix as Float64Array | undefined;
  return matrix ? { panel: matrix.subarray(first * p.rows), stride: p.rows } : distancePanel(p, first, count);
}

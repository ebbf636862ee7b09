// The attractive half of the t-SNE gradient, Σ_j p_ij w_ij (y_i − y_j), in fixed chunks of rows over the thread pool,
// each chunk a WebAssembly kernel call on one shared memory that holds P, the layout and the output.
import { getPool, kernelTask } from "../parallel";
import type { SparseP } from "./affinities";
import { attractionModuleBytes, type AttractKernel } from "./attraction-wasm";

/**
 * Rows per chunk: the partition depends on n alone, so any thread count writes the same values; small, so a
 * 2,000-point layout still splits well.
 */
const ROW_CHUNK = 256;

/**
 * P, the layout y [n, 2] and the output [n, 2] as views of one shared WebAssembly memory (what the kernel reads on
 * every thread). `attraction` copies the caller's layout into `y` and the result out of `out`.
 */
export interface AttractionWorkspace {
  p: SparseP;
  y: Float64Array;
  out: Float64Array;
  memory: WebAssembly.Memory;
  /** Byte offsets of p.rowStart, p.cols, p.values, y and out in the memory. */
  offsets: { rowStart: number; cols: number; values: number; y: number; out: number };
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** A workspace holding a copy of `p` (its rows' sums of p_ij w_ij (y_i − y_j) then cost one kernel pass). */
export function attractionWorkspace(p: SparseP): AttractionWorkspace {
  const n = p.n;
  const nnz = p.cols.length;
  const rowStart = 0;
  const cols = align16(rowStart + 4 * (n + 1));
  const values = align16(cols + 4 * nnz);
  const y = align16(values + 8 * nnz);
  const out = y + 16 * n;
  const pages = Math.max(1, Math.ceil((out + 16 * n) / 65536));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const buffer = memory.buffer;
  const view = {
    n,
    rowStart: new Int32Array(buffer, rowStart, n + 1),
    cols: new Int32Array(buffer, cols, nnz),
    values: new Float64Array(buffer, values, nnz),
  };
  view.rowStart.set(p.rowStart);
  view.cols.set(p.cols);
  view.values.set(p.values);
  return {
    p: view,
    y: new Float64Array(buffer, y, 2 * n),
    out: new Float64Array(buffer, out, 2 * n),
    memory,
    offsets: { rowStart, cols, values, y, out },
  };
}

/**
 * Writes Σ_j p_ij w_ij (y_i − y_j) into `out` [n, 2] (factor 4 omitted) for the layout `y` [n, 2], w_ij = 1 / (1 +
 * |y_i − y_j|²); `meanwhile` runs in this thread while the pool's other threads start (Pool.run). The layout and the
 * result go through the workspace's memory: the kernel reads nothing else, and V8's typed-array code reads a wasm
 * memory (a growable buffer) several times slower than a plain one, so callers keep their own arrays.
 */
export function attraction(
  ws: AttractionWorkspace,
  y: Float64Array,
  out: Float64Array,
  threads?: number,
  meanwhile?: () => void,
): void {
  ws.y.set(y);
  const args = { memory: ws.memory, ...ws.offsets, n: ws.p.n };
  getPool(threads).run(attractionChunk, Math.ceil(ws.p.n / ROW_CHUNK), args, meanwhile);
  out.set(ws.out);
}

// One instance per memory in each thread: a pool thread receives a new Memory object with every run.
let compiled: WebAssembly.Module | undefined;
let instance: { memory: WebAssembly.Memory; attract: AttractKernel } | undefined;

export const attractionChunk = kernelTask(import.meta.url, "attractionChunk", (chunk, args) => {
  const memory = args.memory as WebAssembly.Memory;
  if (instance?.memory !== memory) {
    compiled ??= new WebAssembly.Module(attractionModuleBytes());
    const attract = new WebAssembly.Instance(compiled, { env: { memory } }).exports.attract as AttractKernel;
    instance = { memory, attract };
  }
  const first = chunk * ROW_CHUNK;
  const end = Math.min(args.n as number, first + ROW_CHUNK);
  instance.attract(
    args.rowStart as number,
    args.cols as number,
    args.values as number,
    args.y as number,
    args.out as number,
    first,
    end,
  );
});

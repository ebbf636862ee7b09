// The kernel functions behind enableFastWasmKernels (fast-matmul.ts): BatchMatMul and _FusedMatMul for the
// wasm backend that never hand a transposed or batched product to the stock scalar loop.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import type { WasmBackend, WasmKernelFunc } from "./fast-kernel-types";
import type { MatMulHelper } from "./fast-matmul-helper";
import { broadcastBatchIndex, planMatMul, type MatMulPlan } from "./fast-matmul-plan";

/** A 2-D view [rows, cols] of a tensor's buffer: same dataId, no copy (kernels read shapes from the info). */
function view(x: tf.TensorInfo, rows: number, cols: number): tf.TensorInfo {
  return { dataId: x.dataId, shape: [rows, cols], dtype: x.dtype };
}

interface Context {
  backend: WasmBackend;
  transpose: WasmKernelFunc;
  /** The second thread for large products, or null for one thread. */
  helper: MatMulHelper | null;
  /** Temporaries to release once the product is written. */
  temps: tf.TensorInfo[];
}

/** A contiguous [cols, rows] copy of the 2-D `x` [rows, cols], released with the context's temps. */
function transposed(ctx: Context, x: tf.TensorInfo): tf.TensorInfo {
  const out = ctx.transpose({ inputs: { x }, backend: ctx.backend, attrs: { perm: [1, 0] } });
  ctx.temps.push(out);
  return out;
}

function release(ctx: Context): void {
  for (const t of ctx.temps) ctx.backend.disposeData(t.dataId);
  ctx.temps.length = 0;
}

/** Products below this many FLOPs (2·m·k·n) stay on one thread: copies and the hand-off would eat the gain. */
const MIN_PARALLEL_FLOPS = 4e6;
/** Row blocks shared between the threads: about 8 per product, never under 16 rows (XNNPACK tiles 4-6 rows). */
const MIN_BLOCK_ROWS = 16;
const BLOCKS_PER_PRODUCT = 8;

/**
 * C[m, n] = left[m, k] · right[k, n] (row-major) with the stock kernel; large products are split into row
 * blocks that this thread and the helper thread claim in turn (see fast-matmul-helper.ts).
 */
function untransposedProduct(ctx: Context, stock: WasmKernelFunc, left: tf.TensorInfo, right: tf.TensorInfo): tf.TensorInfo {
  const { backend, helper } = ctx;
  const multiply = (a: tf.TensorInfo) => stock({ inputs: { a, b: right }, backend, attrs: { transposeA: false, transposeB: false } });
  const [m, k] = [left.shape[0]!, left.shape[1]!];
  const n = right.shape[1]!;
  if (helper === null || m < 2 * MIN_BLOCK_ROWS || 2 * m * k * n < MIN_PARALLEL_FLOPS || !helper.ready()) return multiply(left);
  // Even blocks (the last is never a sliver: XNNPACK may pick another kernel for a single row).
  const blockRows = Math.ceil(m / Math.min(BLOCKS_PER_PRODUCT, Math.floor(m / MIN_BLOCK_ROWS)));
  const heap = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const shared = helper.post(heap(left), heap(right), m, k, n, blockRows);
  if (shared === null) return multiply(left);

  const out = backend.makeOutput([m, n], "float32");
  const rowsOf = (block: number) => Math.min(blockRows, m - block * blockRows);
  const computeHere = (block: number) => {
    const first = block * blockRows;
    const rows = rowsOf(block);
    const rowsA = backend.makeOutput([rows, k], "float32");
    copyFloats(backend, left, first * k, rowsA, 0, rows * k);
    const rowsC = multiply(rowsA);
    copyFloats(backend, rowsC, 0, out, first * n, rows * n);
    backend.disposeData(rowsA.dataId);
    backend.disposeData(rowsC.dataId);
  };
  const mine = new Set<number>();
  let fastestMs = Infinity;
  for (let block = shared.claim(); block >= 0; block = shared.claim()) {
    const start = performance.now();
    computeHere(block);
    fastestMs = Math.min(fastestMs, performance.now() - start);
    mine.add(block);
  }
  // A running worker finishes its block within about one block-time (the fastest one here: the others may
  // include packing B or being descheduled). Waiting longer than that loses to redoing the block here.
  const waitMs = Number.isFinite(fastestMs) ? fastestMs : 1;
  for (let block = 0; block < shared.blocks; block++) {
    if (mine.has(block)) continue;
    const first = block * blockRows * n;
    if (!shared.collect(block, heap(out).subarray(first, first + rowsOf(block) * n), waitMs)) computeHere(block);
  }
  return out;
}

/**
 * C[m, n] = op(A) · op(B) for 2-D operands as stored (`a` is [k, m] when transposeA, else [m, k]; `b` is
 * [n, k] when transposeB, else [k, n]). `untransposed` runs the stock kernel on two row-major operands.
 */
function product2d(
  ctx: Context,
  plan: MatMulPlan,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  untransposed: (a: tf.TensorInfo, b: tf.TensorInfo) => tf.TensorInfo,
): tf.TensorInfo {
  if (plan === "direct") {
    const left = transposeA ? transposed(ctx, a) : a;
    const right = transposeB ? transposed(ctx, b) : b;
    return untransposed(left, right);
  }
  // Cᵀ[n, m] = op(B)ᵀ[n, k] · op(A)ᵀ[k, m]: a transposed operand is already stored the way this needs it.
  const left = transposeB ? b : transposed(ctx, b);
  const right = transposeA ? a : transposed(ctx, a);
  const productT = untransposed(left, right);
  ctx.temps.push(productT);
  return ctx.transpose({ inputs: { x: productT }, backend: ctx.backend, attrs: { perm: [1, 0] } });
}

interface Dims {
  m: number;
  k: number;
  n: number;
  outerA: number[];
  outerB: number[];
  outerOut: number[];
}

/** Product dims, or null when the shapes are invalid (the stock kernel then throws its own message). */
function dims(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): Dims | null {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return null;
  const [a0, a1] = [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const [b0, b1] = [b.shape[rb - 2]!, b.shape[rb - 1]!];
  const k = transposeA ? a0 : a1;
  if (k !== (transposeB ? b1 : b0)) return null;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  let outerOut: number[];
  try {
    outerOut = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return null;
  }
  return { m: transposeA ? a1 : a0, k, n: transposeB ? b0 : b1, outerA, outerB, outerOut };
}

/** Copies `count` floats from `src` at element offset `from` into `dst` at `to` (fresh heap views each time). */
function copyFloats(backend: WasmBackend, src: tf.TensorInfo, from: number, dst: tf.TensorInfo, to: number, count: number): void {
  const source = backend.typedArrayFromHeap(src) as Float32Array;
  const target = backend.typedArrayFromHeap(dst) as Float32Array;
  target.set(source.subarray(from, from + count), to);
}

export function createFastBatchMatMul(stock: WasmKernelFunc, transpose: WasmKernelFunc, helper: MatMulHelper | null): WasmKernelFunc {
  return (args) => {
    const { backend } = args;
    const a = args.inputs.a!;
    const b = args.inputs.b!;
    const transposeA = Boolean(args.attrs.transposeA);
    const transposeB = Boolean(args.attrs.transposeB);
    const d = a.dtype === "float32" && b.dtype === "float32" ? dims(a, b, transposeA, transposeB) : null;
    if (d === null) return stock(args);
    const outShape = [...d.outerOut, d.m, d.n];
    const batch = tf.util.sizeFromShape(d.outerOut);
    const [aRows, aCols] = transposeA ? [d.k, d.m] : [d.m, d.k];
    const [bRows, bCols] = transposeB ? [d.n, d.k] : [d.k, d.n];
    const ctx: Context = { backend, transpose, helper, temps: [] };
    const untransposed = (left: tf.TensorInfo, right: tf.TensorInfo) => untransposedProduct(ctx, stock, left, right);

    if (batch === 1) {
      // Untransposed products are never flipped (measured: no gain); on one thread they stay on the stock path.
      if (!transposeA && !transposeB && helper === null) return stock(args);
      const plan = transposeA || transposeB ? planMatMul({ m: d.m, k: d.k, n: d.n, transposeA, transposeB }) : "direct";
      try {
        const out = product2d(ctx, plan, view(a, aRows, aCols), view(b, bRows, bCols), transposeA, transposeB, untransposed);
        return { ...out, shape: outShape };
      } finally {
        release(ctx);
      }
    }

    // Batched (the stock kernel loops in scalar code for any batch > 1): one XNNPACK product per matrix.
    const out = backend.makeOutput(outShape, "float32");
    const plan = planMatMul({ m: d.m, k: d.k, n: d.n, transposeA, transposeB });
    try {
      for (let i = 0; i < batch; i++) {
        const sliceA = backend.makeOutput([aRows, aCols], "float32");
        const sliceB = backend.makeOutput([bRows, bCols], "float32");
        ctx.temps.push(sliceA, sliceB);
        copyFloats(backend, a, broadcastBatchIndex(i, d.outerOut, d.outerA) * aRows * aCols, sliceA, 0, aRows * aCols);
        copyFloats(backend, b, broadcastBatchIndex(i, d.outerOut, d.outerB) * bRows * bCols, sliceB, 0, bRows * bCols);
        const product = product2d(ctx, plan, sliceA, sliceB, transposeA, transposeB, untransposed);
        ctx.temps.push(product);
        copyFloats(backend, product, 0, out, i * d.m * d.n, d.m * d.n);
        release(ctx);
      }
    } catch (err) {
      backend.disposeData(out.dataId);
      throw err;
    } finally {
      release(ctx);
    }
    return out;
  };
}

/**
 * _FusedMatMul (matMul + bias + activation) with transposed operands: transposes are materialised and the
 * stock kernel runs untransposed. The product is never flipped (the bias runs along the output columns).
 * Batched fused products stay on the stock loop, now with contiguous operands; nothing here uses them.
 */
export function createFastFusedMatMul(stock: WasmKernelFunc, transpose: WasmKernelFunc): WasmKernelFunc {
  return (args) => {
    const { backend } = args;
    const a = args.inputs.a!;
    const b = args.inputs.b!;
    const transposeA = Boolean(args.attrs.transposeA);
    const transposeB = Boolean(args.attrs.transposeB);
    if ((!transposeA && !transposeB) || a.dtype !== "float32" || b.dtype !== "float32") return stock(args);
    const temps: tf.TensorInfo[] = [];
    const swapLastTwo = (x: tf.TensorInfo) => {
      const perm = x.shape.map((_, i) => i);
      perm.push(...perm.splice(-2).reverse());
      const t = transpose({ inputs: { x }, backend, attrs: { perm } });
      temps.push(t);
      return t;
    };
    try {
      const inputs = { ...args.inputs, a: transposeA ? swapLastTwo(a) : a, b: transposeB ? swapLastTwo(b) : b };
      return stock({ inputs, backend, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

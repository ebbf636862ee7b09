// Fast matMul kernels for the tfjs wasm backend: transposed operands never reach the slow scalar loop.
//
// Why: tfjs-backend-wasm 4.22 sends BatchMatMul / _FusedMatMul to XNNPACK only when neither operand is
// transposed and the batch is 1; every other case runs a naive triple loop (~1 GFLOP/s against ~15-20
// for XNNPACK). Training a Dense layer needs dX = dY·Wᵀ and dW = Xᵀ·dY, so 95% of a step went there.
// These kernels copy transposed operands into contiguous buffers with the backend's own Transpose
// kernel and then call the original kernel untransposed. The maths is the same product; only the
// summation order inside XNNPACK differs from the scalar loop (float32 rounding, ~1e-6 relative).
//
// Removable when upstream routes transposed products to XNNPACK itself: delete this file and the
// enableFastWasmKernels() call.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { createFastGather } from "./fast-gather";
import type { WasmBackend, WasmKernelFunc } from "./fast-kernel-types";
import { broadcastBatchIndex, planMatMul, type MatMulPlan } from "./fast-matmul-plan";

/** Stock kernel configs, by kernel name, while the fast ones are registered. */
type Installed = Map<string, tf.KernelConfig>;

/** The stock kernel configs while the fast ones are registered; null when stock kernels are active. */
let installed: Installed | null = null;

const BATCH_MAT_MUL = "BatchMatMul";
const FUSED_MAT_MUL = "_FusedMatMul";
const GATHER = "GatherV2";
const TRANSPOSE = "Transpose";

function kernelFunc(config: tf.KernelConfig): WasmKernelFunc {
  return config.kernelFunc as unknown as WasmKernelFunc;
}

/** A 2-D view [rows, cols] of a tensor's buffer: same dataId, no copy (kernels read shapes from the info). */
function view(x: tf.TensorInfo, rows: number, cols: number): tf.TensorInfo {
  return { dataId: x.dataId, shape: [rows, cols], dtype: x.dtype };
}

interface Context {
  backend: WasmBackend;
  transpose: WasmKernelFunc;
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

function createFastBatchMatMul(stock: WasmKernelFunc, transpose: WasmKernelFunc): WasmKernelFunc {
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
    const ctx: Context = { backend, transpose, temps: [] };
    const untransposed = (left: tf.TensorInfo, right: tf.TensorInfo) =>
      stock({ inputs: { a: left, b: right }, backend, attrs: { transposeA: false, transposeB: false } });

    if (batch === 1) {
      // Untransposed products stay on the stock path: XNNPACK directly, and it keeps the packed weights
      // cached for the next call with the same B (inference). Measured, flipping them gains nothing.
      if (!transposeA && !transposeB) return stock(args);
      const plan = planMatMul({ m: d.m, k: d.k, n: d.n, transposeA, transposeB });
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
function createFastFusedMatMul(stock: WasmKernelFunc, transpose: WasmKernelFunc): WasmKernelFunc {
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

/**
 * Registers the fast BatchMatMul, _FusedMatMul and GatherV2 kernels for the wasm backend.
 * Returns true when they are (now or already) active; false, changing nothing, when the active
 * backend is not wasm. Idempotent. Call after initBackend().
 */
export function enableFastWasmKernels(): boolean {
  if (tf.getBackend() !== "wasm") return false;
  if (installed !== null) return true;
  const stock = new Map<string, tf.KernelConfig>();
  for (const name of [BATCH_MAT_MUL, FUSED_MAT_MUL, GATHER, TRANSPOSE]) {
    const config = tf.getKernel(name, "wasm");
    if (!config) return false;
    stock.set(name, config);
  }
  const transpose = kernelFunc(stock.get(TRANSPOSE)!);
  const fast: Array<[string, WasmKernelFunc]> = [
    [BATCH_MAT_MUL, createFastBatchMatMul(kernelFunc(stock.get(BATCH_MAT_MUL)!), transpose)],
    [FUSED_MAT_MUL, createFastFusedMatMul(kernelFunc(stock.get(FUSED_MAT_MUL)!), transpose)],
    [GATHER, createFastGather(kernelFunc(stock.get(GATHER)!))],
  ];
  stock.delete(TRANSPOSE);
  for (const [kernelName, func] of fast) {
    tf.unregisterKernel(kernelName, "wasm");
    // No setupFunc: the stock kernels' setup (their cwrap bindings) already ran when the backend started.
    tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: func as unknown as tf.KernelFunc });
  }
  installed = stock;
  return true;
}

/** Restores the stock wasm kernels; a no-op when the fast ones are not registered. */
export function disableFastWasmKernels(): void {
  if (installed === null) return;
  for (const [kernelName, config] of installed) {
    tf.unregisterKernel(kernelName, "wasm");
    tf.registerKernel(config);
  }
  installed = null;
}

/** True while the fast kernels are registered. */
export function fastWasmKernelsEnabled(): boolean {
  return installed !== null;
}

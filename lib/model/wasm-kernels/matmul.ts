// The BatchMatMul and _FusedMatMul kernel functions that registration.ts registers for the wasm backend,
// computed by gemm.ts in the backend's heap, whatever the transposes and batch.
// The gemm reads A [m, k] and B [n, k]; other layouts are first copied by transpose.ts. In training
// that is Wᵀ for a forward product, Xᵀ and dYᵀ for a weight gradient, nothing for dX = dY·Wᵀ.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { gemmKernelFor } from "./gemm";
import { transposeKernelFor } from "./transpose";
import type { WasmBackend, WasmKernelFunc } from "./wasm-backend";
import { broadcastBatchIndex } from "./batch-index";

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

/** Where the products run: tfjs-backend-wasm's heap, and whether with fused multiply-adds (gemm.ts). */
export interface GemmTarget {
  memory: WebAssembly.Memory;
  fma: boolean;
}

/** What the product adds after the sum: a bias of n floats and/or relu. */
interface Epilogue {
  bias: tf.TensorInfo | null;
  relu: boolean;
}

/**
 * op(A) · op(B) over the broadcast batch dims, with the epilogue, or null when this kernel does not handle
 * the inputs (not float32, invalid or empty shapes) and the stock kernel should.
 */
function product(
  backend: WasmBackend,
  target: GemmTarget,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  epilogue: Epilogue,
): tf.TensorInfo | null {
  if (a.dtype !== "float32" || b.dtype !== "float32") return null;
  const d = dims(a, b, transposeA, transposeB);
  if (d === null || d.m * d.k * d.n === 0) return null;
  const { m, k, n } = d;
  // The gemm wants A [m, k] and B [n, k]: a transposed A and an untransposed B are copied.
  const [copyA, copyB] = [transposeA, !transposeB];
  const temps: tf.TensorInfo[] = [];
  try {
    const left = copyA ? swapLastTwo(backend, a, temps) : a;
    const right = copyB ? swapLastTwo(backend, b, temps) : b;
    const out = backend.makeOutput([...d.outerOut, m, n], "float32");
    // Byte offsets, read after the last allocation: a growing heap moves views, never offsets.
    const at = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
    if (copyA) transposeSlices(target, at(a), at(left), a.shape);
    if (copyB) transposeSlices(target, at(b), at(right), b.shape);
    const kernel = gemmKernelFor(target.memory, {
      n,
      k,
      bias: epilogue.bias !== null,
      relu: epilogue.relu,
      fma: target.fma,
    });
    const [baseA, baseB, baseC] = [at(left), at(right), at(out)];
    const bias = epilogue.bias === null ? 0 : at(epilogue.bias);
    const batch = tf.util.sizeFromShape(d.outerOut);
    for (let i = 0; i < batch; i++) {
      const sliceA = baseA + 4 * m * k * broadcastBatchIndex(i, d.outerOut, d.outerA);
      const sliceB = baseB + 4 * k * n * broadcastBatchIndex(i, d.outerOut, d.outerB);
      kernel(sliceA, sliceB, baseC + 4 * m * n * i, bias, m);
    }
    return out;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** A new tensor for x with its last two dims swapped (filled by transposeSlices), kept in `temps`. */
function swapLastTwo(backend: WasmBackend, x: tf.TensorInfo, temps: tf.TensorInfo[]): tf.TensorInfo {
  const shape = [...x.shape];
  shape.push(...shape.splice(-2).reverse());
  const out = backend.makeOutput(shape, "float32");
  temps.push(out);
  return out;
}

/** Transposes every [rows, cols] matrix of a tensor of `shape` at byte offset `from` into `to`. */
function transposeSlices(target: GemmTarget, from: number, to: number, shape: readonly number[]): void {
  const [rows, cols] = [shape[shape.length - 2]!, shape[shape.length - 1]!];
  const transpose = transposeKernelFor(target.memory);
  const count = tf.util.sizeFromShape(shape.slice(0, -2));
  for (let i = 0; i < count; i++) transpose(from + 4 * rows * cols * i, to + 4 * rows * cols * i, rows, cols);
}

export function createFastBatchMatMul(stock: WasmKernelFunc, target: GemmTarget): WasmKernelFunc {
  return (args) => {
    const out = product(
      args.backend,
      target,
      args.inputs.a!,
      args.inputs.b!,
      Boolean(args.attrs.transposeA),
      Boolean(args.attrs.transposeB),
      { bias: null, relu: false },
    );
    return out ?? stock(args);
  };
}

/**
 * _FusedMatMul (matMul + bias + activation) for what Dense layers use: no activation or relu, and a bias of
 * one float per output column. Other activations, PReLU weights and broadcast biases go to the stock kernel.
 */
export function createFastFusedMatMul(stock: WasmKernelFunc, target: GemmTarget): WasmKernelFunc {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs;
    const activation = (args.attrs.activation as string | undefined) ?? "linear";
    const transposeB = Boolean(args.attrs.transposeB);
    const n = b!.shape[b!.shape.length - (transposeB ? 2 : 1)]!;
    const biasFits =
      bias === undefined ||
      (bias.dtype === "float32" && bias.shape[bias.shape.length - 1] === n && tf.util.sizeFromShape(bias.shape) === n);
    if ((activation !== "linear" && activation !== "relu") || preluActivationWeights !== undefined || !biasFits)
      return stock(args);
    const out = product(args.backend, target, a!, b!, Boolean(args.attrs.transposeA), transposeB, {
      bias: bias ?? null,
      relu: activation === "relu",
    });
    return out ?? stock(args);
  };
}

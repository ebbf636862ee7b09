// The kernel functions behind enableFastWasmKernels (fast-matmul.ts): BatchMatMul and _FusedMatMul for the
// wasm backend, computed by fast-gemm-wasm.ts in the backend's heap, whatever the transposes and batch.
// Only a product with both operands transposed copies one (B, with the backend's Transpose).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { gemmKernelFor } from "./fast-gemm-wasm";
import type { WasmBackend, WasmKernelFunc } from "./fast-kernel-types";
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

/** Where the products run: tfjs-backend-wasm's heap, and whether with fused multiply-adds (fast-gemm-wasm.ts). */
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
  transpose: WasmKernelFunc,
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
  // The dot tiling reads a transposed B in place, unless A is transposed too.
  const copyB = transposeB && transposeA;
  let right = b;
  if (copyB) {
    const perm = b.shape.map((_, i) => i);
    perm.push(...perm.splice(-2).reverse());
    right = transpose({ inputs: { x: b }, backend, attrs: { perm } });
  }
  try {
    const out = backend.makeOutput([...d.outerOut, m, n], "float32");
    // Byte offsets, read after the last allocation: a growing heap moves views, never offsets.
    const at = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
    const kernel = gemmKernelFor(target.memory, {
      n, k, transposeA, transposeB: transposeB && !copyB, m: transposeA ? m : null, bias: epilogue.bias !== null, relu: epilogue.relu, fma: target.fma,
    });
    const [baseA, baseB, baseC] = [at(a), at(right), at(out)];
    const bias = epilogue.bias === null ? 0 : at(epilogue.bias);
    const batch = tf.util.sizeFromShape(d.outerOut);
    for (let i = 0; i < batch; i++) {
      const sliceA = baseA + 4 * m * k * broadcastBatchIndex(i, d.outerOut, d.outerA);
      const sliceB = baseB + 4 * k * n * broadcastBatchIndex(i, d.outerOut, d.outerB);
      kernel(sliceA, sliceB, baseC + 4 * m * n * i, bias, m);
    }
    return out;
  } finally {
    if (right !== b) backend.disposeData(right.dataId);
  }
}

export function createFastBatchMatMul(stock: WasmKernelFunc, transpose: WasmKernelFunc, target: GemmTarget): WasmKernelFunc {
  return (args) => {
    const out = product(args.backend, target, transpose, args.inputs.a!, args.inputs.b!, Boolean(args.attrs.transposeA), Boolean(args.attrs.transposeB), { bias: null, relu: false });
    return out ?? stock(args);
  };
}

/**
 * _FusedMatMul (matMul + bias + activation) for what Dense layers use: no activation or relu, and a bias of
 * one float per output column. Other activations, PReLU weights and broadcast biases go to the stock kernel.
 */
export function createFastFusedMatMul(stock: WasmKernelFunc, transpose: WasmKernelFunc, target: GemmTarget): WasmKernelFunc {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs;
    const activation = (args.attrs.activation as string | undefined) ?? "linear";
    const transposeB = Boolean(args.attrs.transposeB);
    const n = b!.shape[b!.shape.length - (transposeB ? 2 : 1)]!;
    const biasFits = bias === undefined || (bias.dtype === "float32" && bias.shape[bias.shape.length - 1] === n && tf.util.sizeFromShape(bias.shape) === n);
    if ((activation !== "linear" && activation !== "relu") || preluActivationWeights !== undefined || !biasFits) return stock(args);
    const out = product(args.backend, target, transpose, a!, b!, Boolean(args.attrs.transposeA), transposeB, { bias: bias ?? null, relu: activation === "relu" });
    return out ?? stock(args);
  };
}

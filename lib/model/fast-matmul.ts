// Fast kernels for the tfjs wasm backend's training path, switched on by enableFastWasmKernels().
//
// Why: tfjs-backend-wasm 4.22 sends BatchMatMul / _FusedMatMul to XNNPACK only when neither operand is
// transposed and the batch is 1; every other case runs a naive triple loop (~1 GFLOP/s). Training a Dense
// layer needs dX = dY·Wᵀ and dW = Xᵀ·dY, so 95% of a stock step went there. And where XNNPACK does run, it
// repacks the weights on every call, since they are a new tensor every step. Here every float32 product
// (transposed or not, batched or not, with a Dense layer's bias and relu) runs fast-gemm-wasm.ts's SIMD
// kernel in the backend's heap, after fast-transpose-wasm.ts where an operand needs it. GatherV2 along
// axis 0 (picking a batch) becomes row copies (fast-gather.ts) and a contiguous Slice one copy (fast-slice.ts),
// Identity shares buffers (fast-identity.ts), sums over the batch axis are column sums (fast-sum.ts), dropout
// masks come from fast-dropout.ts, and the fused RMSprop update (fast-rmsprop.ts) is an optimizer class.
// Results differ from the cpu backend only by float32 rounding (summation order, fused multiply-adds).
//
// Removable when upstream fixes the kernels: delete the fast-* modules and the enableFastWasmKernels() call.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { installFastDropout, uninstallFastDropout } from "./fast-dropout";
import { createFastGather } from "./fast-gather";
import { createFastIdentity } from "./fast-identity";
import { createFastSlice } from "./fast-slice";
import { createFastSum } from "./fast-sum";
import { wasmHeapMemory, type WasmKernelFunc } from "./fast-kernel-types";
import { relaxedSimdAvailable } from "./fast-gemm-wasm";
import { createFastBatchMatMul, createFastFusedMatMul, type GemmTarget } from "./fast-matmul-kernels";

/** Stock kernel configs, by kernel name, while the fast ones are registered, and how products run. */
interface Installed {
  stock: Map<string, tf.KernelConfig>;
  fma: boolean;
}

/** Set while the fast kernels are registered; null when the stock kernels are active. */
let installed: Installed | null = null;

const BATCH_MAT_MUL = "BatchMatMul";
const FUSED_MAT_MUL = "_FusedMatMul";
const GATHER = "GatherV2";
const IDENTITY = "Identity";
const SUM = "Sum";
const SLICE = "Slice";

function kernelFunc(config: tf.KernelConfig): WasmKernelFunc {
  return config.kernelFunc as unknown as WasmKernelFunc;
}

export interface FastWasmKernelOptions {
  /**
   * Products with relaxed SIMD's fused multiply-add where the engine has it (default true; see fast-gemm-wasm.ts):
   * ~25% faster here, and each term rounds once instead of twice. False: a multiply and an add per term.
   */
  fma?: boolean;
  /**
   * Training-time dropout masks from fast-dropout.ts instead of tfjs-core's (default true). False keeps
   * tfjs's own masks, e.g. to compare a step with the stock kernels under the same seeded mask.
   */
  dropout?: boolean;
}

/**
 * Registers the fast BatchMatMul, _FusedMatMul, GatherV2, Identity, Sum and Slice kernels (and dropout) for the wasm backend.
 * Returns true when they are (now or already) active; false, changing nothing, when the active backend is
 * not wasm or does not expose its memory. Idempotent (a second call keeps the first call's options).
 * Call after initBackend().
 */
export function enableFastWasmKernels(options: FastWasmKernelOptions = {}): boolean {
  if (tf.getBackend() !== "wasm") return false;
  if (installed !== null) return true;
  const memory = wasmHeapMemory(tf.backend());
  if (memory === null) return false;
  const stock = new Map<string, tf.KernelConfig>();
  for (const name of [BATCH_MAT_MUL, FUSED_MAT_MUL, GATHER, IDENTITY, SUM, SLICE]) {
    const config = tf.getKernel(name, "wasm");
    if (!config) return false;
    stock.set(name, config);
  }
  const target: GemmTarget = { memory, fma: options.fma !== false && relaxedSimdAvailable() };
  const fast: Array<[string, WasmKernelFunc]> = [
    [BATCH_MAT_MUL, createFastBatchMatMul(kernelFunc(stock.get(BATCH_MAT_MUL)!), target)],
    [FUSED_MAT_MUL, createFastFusedMatMul(kernelFunc(stock.get(FUSED_MAT_MUL)!), target)],
    [GATHER, createFastGather(kernelFunc(stock.get(GATHER)!))],
    [IDENTITY, createFastIdentity(kernelFunc(stock.get(IDENTITY)!))],
    [SUM, createFastSum(kernelFunc(stock.get(SUM)!), memory)],
    [SLICE, createFastSlice(kernelFunc(stock.get(SLICE)!))],
  ];
  for (const [kernelName, func] of fast) {
    tf.unregisterKernel(kernelName, "wasm");
    // No setupFunc: the stock kernels' setup (their cwrap bindings) already ran when the backend started.
    tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: func as unknown as tf.KernelFunc });
  }
  if (options.dropout !== false) installFastDropout();
  installed = { stock, fma: target.fma };
  return true;
}

/** Restores the stock wasm kernels; a no-op when the fast ones are not registered. */
export function disableFastWasmKernels(): void {
  if (installed === null) return;
  for (const [kernelName, config] of installed.stock) {
    tf.unregisterKernel(kernelName, "wasm");
    tf.registerKernel(config);
  }
  uninstallFastDropout();
  installed = null;
}

/** True while the fast kernels are registered. */
export function fastWasmKernelsEnabled(): boolean {
  return installed !== null;
}

/** Whether the registered products use fused multiply-adds; null while the stock kernels are active. */
export function fastWasmKernelsUseFma(): boolean | null {
  return installed === null ? null : installed.fma;
}

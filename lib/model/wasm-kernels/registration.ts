// The package's switch: registers the fast kernels with tfjs-backend-wasm (and the fast dropout), puts tfjs's
// own back, and says what is on. rmsprop.ts reads the same switch, so off means off for the optimizer too.
//
// Why: tfjs-backend-wasm 4.22 sends BatchMatMul / _FusedMatMul to XNNPACK only when neither operand is
// transposed and the batch is 1; every other case runs a naive triple loop (~1 GFLOP/s). Training a Dense
// layer needs dX = dY·Wᵀ and dW = Xᵀ·dY, so 95% of a stock step went there. And where XNNPACK does run, it
// repacks the weights on every call, since they are a new tensor every step. While on, every float32 product
// (transposed or not, batched or not, with a Dense layer's bias and relu) runs gemm.ts's SIMD kernel in the
// backend's heap (matmul.ts, after transpose.ts where an operand needs it). GatherV2 along axis 0 (picking a
// batch) becomes row copies (gather.ts) and a contiguous Slice one copy (slice.ts), Identity shares buffers
// (identity.ts), sums over the batch axis are column sums (sum.ts), and dropout masks come from dropout.ts.
// A convolution and its gradients, one of which (Conv2DBackpropFilter) tfjs-backend-wasm lacks, are products between
// patch copies (conv2d.ts, conv2d-grad.ts, im2col.ts), and a max pool's gradient one pass over its windows (max-pool-grad.ts).
// Results differ from the cpu backend only by float32 rounding (summation order, fused multiply-adds).
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { fastDropoutInstalled, installFastDropout, uninstallFastDropout } from "./dropout";
import { createFastGather } from "./gather";
import { createFastIdentity } from "./identity";
import { createFastSlice } from "./slice";
import { createFastSum } from "./sum";
import { wasmHeapMemory, type WasmKernelFunc } from "./wasm-backend";
import { relaxedSimdAvailable } from "./gemm";
import { createFastBatchMatMul, createFastFusedMatMul, type GemmTarget } from "./matmul";
import { createFastMaxPoolGrad } from "./max-pool-grad";
import { createFastConv2D } from "./conv2d";
import { createFastConv2DBackpropFilter, createFastConv2DBackpropInput } from "./conv2d-grad";

/**
 * Stock kernel configs, by kernel name, while the fast ones are registered (null for a kernel tfjs-backend-wasm
 * lacks, which switching off unregisters), and how products run.
 */
interface Installed {
  stock: Map<string, tf.KernelConfig | null>;
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
const CONV = "Conv2D";
const CONV_FILTER_GRAD = "Conv2DBackpropFilter";
const CONV_INPUT_GRAD = "Conv2DBackpropInput";
const MAX_POOL_GRAD = "MaxPoolGrad";

function kernelFunc(config: tf.KernelConfig): WasmKernelFunc {
  return config.kernelFunc as unknown as WasmKernelFunc;
}

export interface FastWasmKernelOptions {
  /**
   * Products with relaxed SIMD's fused multiply-add where the engine has it (default true; see gemm.ts):
   * ~25% faster here, and each term rounds once instead of twice. False: a multiply and an add per term.
   */
  fma?: boolean;
  /**
   * Training-time dropout masks from dropout.ts instead of tfjs-core's (default true). False keeps
   * tfjs's own masks, e.g. to compare a step with the stock kernels under the same seeded mask.
   */
  dropout?: boolean;
}

/** What the package has put in place. Everything is false (fma null, kernels empty) while it is off. */
export interface FastWasmKernelsStatus {
  /** True while the fast kernels replace tfjs-backend-wasm's own. */
  enabled: boolean;
  /** The wasm kernels replaced or added (Conv2DBackpropFilter, which tfjs-backend-wasm 4.22 lacks), by tfjs kernel name. */
  kernels: string[];
  /** Whether the products use fused multiply-adds; null while off. */
  fma: boolean | null;
  /** Training-time Dropout layers draw their masks from dropout.ts. */
  dropout: boolean;
  /** createRmspropOptimizer gives the fused-update RMSprop, and RMSprop optimizers made while on use their fused update. */
  rmsprop: boolean;
}

/**
 * Registers the fast BatchMatMul, _FusedMatMul, GatherV2, Identity, Sum, Slice, Conv2D, Conv2DBackpropInput and MaxPoolGrad
 * kernels, adds Conv2DBackpropFilter (and dropout) for the wasm backend, and turns on the fused RMSprop update. Returns true when they are (now or already) active;
 * false, changing nothing, when the active backend is not wasm or does not expose its memory. Idempotent (a
 * second call keeps the first call's options). Call after initBackend().
 */
export function enableFastWasmKernels(options: FastWasmKernelOptions = {}): boolean {
  if (tf.getBackend() !== "wasm") return false;
  if (installed !== null) return true;
  const memory = wasmHeapMemory(tf.backend());
  if (memory === null) return false;
  const stock = new Map<string, tf.KernelConfig | null>();
  for (const name of [
    BATCH_MAT_MUL,
    FUSED_MAT_MUL,
    GATHER,
    IDENTITY,
    SUM,
    SLICE,
    CONV,
    CONV_INPUT_GRAD,
    MAX_POOL_GRAD,
  ]) {
    const config = tf.getKernel(name, "wasm");
    if (!config) return false;
    stock.set(name, config);
  }
  // Missing from tfjs-backend-wasm 4.22 (a later version may have it: then it is replaced and restored).
  stock.set(CONV_FILTER_GRAD, tf.getKernel(CONV_FILTER_GRAD, "wasm") ?? null);
  const target: GemmTarget = { memory, fma: options.fma !== false && relaxedSimdAvailable() };
  const fast: Array<[string, WasmKernelFunc]> = [
    [BATCH_MAT_MUL, createFastBatchMatMul(kernelFunc(stock.get(BATCH_MAT_MUL)!), target)],
    [FUSED_MAT_MUL, createFastFusedMatMul(kernelFunc(stock.get(FUSED_MAT_MUL)!), target)],
    [GATHER, createFastGather(kernelFunc(stock.get(GATHER)!))],
    [IDENTITY, createFastIdentity(kernelFunc(stock.get(IDENTITY)!))],
    [SUM, createFastSum(kernelFunc(stock.get(SUM)!), memory)],
    [SLICE, createFastSlice(kernelFunc(stock.get(SLICE)!))],
    [CONV, createFastConv2D(kernelFunc(stock.get(CONV)!), target)],
    [CONV_FILTER_GRAD, createFastConv2DBackpropFilter(target)],
    [CONV_INPUT_GRAD, createFastConv2DBackpropInput(kernelFunc(stock.get(CONV_INPUT_GRAD)!), target)],
    [MAX_POOL_GRAD, createFastMaxPoolGrad(kernelFunc(stock.get(MAX_POOL_GRAD)!), memory)],
  ];
  for (const [kernelName, func] of fast) {
    if (stock.get(kernelName)) tf.unregisterKernel(kernelName, "wasm");
    // No setupFunc: the stock kernels' setup (their cwrap bindings) already ran when the backend started.
    tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: func as unknown as tf.KernelFunc });
  }
  if (options.dropout !== false) installFastDropout();
  installed = { stock, fma: target.fma };
  return true;
}

/** Restores the stock wasm kernels, tfjs's dropout and RMSprop's stock update; a no-op while off. */
export function disableFastWasmKernels(): void {
  if (installed === null) return;
  for (const [kernelName, config] of installed.stock) {
    tf.unregisterKernel(kernelName, "wasm");
    if (config) tf.registerKernel(config);
  }
  uninstallFastDropout();
  installed = null;
}

/** True while the fast kernels are registered (the check rmsprop.ts makes on every update). */
export function fastWasmKernelsEnabled(): boolean {
  return installed !== null;
}

export function fastWasmKernelsStatus(): FastWasmKernelsStatus {
  const enabled = installed !== null;
  return {
    enabled,
    kernels: installed === null ? [] : [...installed.stock.keys()],
    fma: installed === null ? null : installed.fma,
    dropout: enabled && fastDropoutInstalled(),
    rmsprop: enabled,
  };
}

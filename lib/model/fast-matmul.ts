// Fast kernels for the tfjs wasm backend's training path, switched on by enableFastWasmKernels().
//
// Why: tfjs-backend-wasm 4.22 sends BatchMatMul / _FusedMatMul to XNNPACK only when neither operand is
// transposed and the batch is 1; every other case runs a naive triple loop (~1 GFLOP/s against ~15-20
// for XNNPACK). Training a Dense layer needs dX = dY·Wᵀ and dW = Xᵀ·dY, so 95% of a step went there.
// These kernels copy transposed operands into contiguous buffers with the backend's own Transpose
// kernel and then call the original kernel untransposed (dX as (W·dYᵀ)ᵀ, see fast-matmul-plan.ts).
// The maths is the same product; only the summation order inside XNNPACK differs from the scalar loop
// (float32 rounding, ~1e-8 on the seed network's gradients). GatherV2 along axis 0 (picking a batch)
// becomes row copies (fast-gather.ts). With { threads: 2 } a helper thread shares large products
// (fast-matmul-helper.ts). The fused RMSprop update (fast-rmsprop.ts) is separate: an optimizer class.
//
// Removable when upstream routes transposed products to XNNPACK itself: delete the fast-* modules and
// the enableFastWasmKernels() call.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { installFastDropout, uninstallFastDropout } from "./fast-dropout";
import { createFastGather } from "./fast-gather";
import type { WasmKernelFunc } from "./fast-kernel-types";
import { startMatMulHelper, type MatMulHelper } from "./fast-matmul-helper";
import { createFastBatchMatMul, createFastFusedMatMul } from "./fast-matmul-kernels";

/** Stock kernel configs, by kernel name, and the helper thread while the fast ones are registered. */
interface Installed {
  stock: Map<string, tf.KernelConfig>;
  helper: MatMulHelper | null;
}

/** Set while the fast kernels are registered; null when the stock kernels are active. */
let installed: Installed | null = null;

const BATCH_MAT_MUL = "BatchMatMul";
const FUSED_MAT_MUL = "_FusedMatMul";
const GATHER = "GatherV2";
const TRANSPOSE = "Transpose";

function kernelFunc(config: tf.KernelConfig): WasmKernelFunc {
  return config.kernelFunc as unknown as WasmKernelFunc;
}

export interface FastWasmKernelOptions {
  /**
   * Threads for large matMuls: 1 (default) keeps everything on the calling thread; 2 adds a worker thread
   * with its own wasm backend that shares the row blocks of each large product (see fast-matmul-helper.ts).
   * Opt-in: it only pays off when a second core is actually free. Read once, when the kernels are enabled.
   */
  threads?: 1 | 2;
  /**
   * Training-time dropout masks from fast-dropout.ts instead of tfjs-core's (default true). False keeps
   * tfjs's own masks, e.g. to compare a step with the stock kernels under the same seeded mask.
   */
  dropout?: boolean;
}

/**
 * Registers the fast BatchMatMul, _FusedMatMul and GatherV2 kernels for the wasm backend.
 * Returns true when they are (now or already) active; false, changing nothing, when the active
 * backend is not wasm. Idempotent (a second call keeps the first call's options). Call after initBackend().
 */
export function enableFastWasmKernels(options: FastWasmKernelOptions = {}): boolean {
  if (tf.getBackend() !== "wasm") return false;
  if (installed !== null) return true;
  const threads = options.threads ?? 1;
  if (threads !== 1 && threads !== 2) throw new RangeError(`threads must be 1 or 2, got ${String(threads)}`);
  const stock = new Map<string, tf.KernelConfig>();
  for (const name of [BATCH_MAT_MUL, FUSED_MAT_MUL, GATHER, TRANSPOSE]) {
    const config = tf.getKernel(name, "wasm");
    if (!config) return false;
    stock.set(name, config);
  }
  const helper = threads === 2 ? startMatMulHelper() : null;
  const transpose = kernelFunc(stock.get(TRANSPOSE)!);
  const fast: Array<[string, WasmKernelFunc]> = [
    [BATCH_MAT_MUL, createFastBatchMatMul(kernelFunc(stock.get(BATCH_MAT_MUL)!), transpose, helper)],
    [FUSED_MAT_MUL, createFastFusedMatMul(kernelFunc(stock.get(FUSED_MAT_MUL)!), transpose)],
    [GATHER, createFastGather(kernelFunc(stock.get(GATHER)!))],
  ];
  stock.delete(TRANSPOSE);
  for (const [kernelName, func] of fast) {
    tf.unregisterKernel(kernelName, "wasm");
    // No setupFunc: the stock kernels' setup (their cwrap bindings) already ran when the backend started.
    tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: func as unknown as tf.KernelFunc });
  }
  if (options.dropout !== false) installFastDropout();
  installed = { stock, helper };
  return true;
}

/** Restores the stock wasm kernels and stops the helper thread; a no-op when the fast ones are not registered. */
export function disableFastWasmKernels(): void {
  if (installed === null) return;
  for (const [kernelName, config] of installed.stock) {
    tf.unregisterKernel(kernelName, "wasm");
    tf.registerKernel(config);
  }
  installed.helper?.stop();
  uninstallFastDropout();
  installed = null;
}

/** True while the fast kernels are registered. */
export function fastWasmKernelsEnabled(): boolean {
  return installed !== null;
}

/**
 * Resolves true once the helper thread has loaded its backend (about a second after enabling), false
 * when there is none or it is not up within `timeoutMs`. Optional: until then products use one thread.
 */
export async function whenFastWasmHelperReady(timeoutMs = 10_000): Promise<boolean> {
  const helper = installed?.helper;
  if (!helper) return false;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (helper.ready()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return helper.ready();
}

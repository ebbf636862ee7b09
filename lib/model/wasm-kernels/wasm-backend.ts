// What the fast wasm kernels use of tfjs-backend-wasm: the backend's public methods, and its heap memory.
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import type * as tf from "@tensorflow/tfjs";

/** The public methods of tfjs-backend-wasm's BackendWasm that the fast kernels call. */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
  /** Counts one more tensor sharing the buffer of dataId (disposeData frees it at zero). */
  incRef(dataId: object): void;
  /** A view of the tensor's bytes in the wasm heap; invalid after any allocation (the heap may grow). */
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** A wasm kernel function as tfjs calls it, typed for these kernels. */
export type WasmKernelFunc = (args: {
  inputs: Record<string, tf.TensorInfo | undefined>;
  backend: WasmBackend;
  attrs: Record<string, unknown>;
}) => tf.TensorInfo;

/**
 * The WebAssembly.Memory holding `backend`'s heap (what the emitted kernels import), or null when it is not a
 * tfjs-backend-wasm backend or does not expose it (the Emscripten module's asm.memory).
 */
export function wasmHeapMemory(backend: unknown): WebAssembly.Memory | null {
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } } | null)?.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

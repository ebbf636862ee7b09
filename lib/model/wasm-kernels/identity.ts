// Fast Identity for the tfjs wasm backend: the output shares the input's buffer instead of copying it.
//
// Why: tfjs-backend-wasm 4.22's Identity allocates and copies (tf.clone, and gradients that pass through
// unchanged: ~15 copies of a [128, 512] activation per seed-network step, 2 ms of a ~50 ms step). Its own
// Reshape already shares buffers this way: the backend counts references per buffer, and no wasm kernel
// writes into an input, so a shared buffer is never changed under another tensor.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import type { WasmKernelFunc } from "./wasm-backend";

/** Identity that shares the buffer (strings keep the stock copy). */
export function createFastIdentity(stock: WasmKernelFunc): WasmKernelFunc {
  return (args) => {
    const x = args.inputs.x!;
    if (x.dtype === "string") return stock(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

// Fast Slice for the tfjs wasm backend: a contiguous slice (e.g. a batch of rows) copied straight from the heap.
//
// Why: tfjs-backend-wasm 4.22's Slice first reads the whole input out of the heap (readSync copies it) and then
// copies the slice: taking 1,000 test digits out of 10,000 copied 31 MB for 3 MB, 18 ms a slice (measured once),
// 0.4 s of every epoch's evaluation. Here the slice is one copy between two views of the heap. Strided slices and
// strings go to the stock kernel; values are copied bit for bit either way.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import type { WasmKernelFunc } from "./wasm-backend";

export function createFastSlice(stock: WasmKernelFunc): WasmKernelFunc {
  return (args) => {
    const x = args.inputs.x!;
    if (x.dtype === "string") return stock(args);
    const [begin, size] = tf.slice_util.parseSliceParams(
      x as tf.Tensor,
      args.attrs.begin as number[],
      args.attrs.size as number[],
    ) as [number[], number[]];
    if (!tf.slice_util.isSliceContinous(x.shape, begin, size)) return stock(args);
    const from = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
    const count = tf.util.sizeFromShape(size);
    const out = args.backend.makeOutput(size, x.dtype);
    // Views taken after makeOutput: an allocation can grow (and so detach) the wasm memory.
    args.backend.typedArrayFromHeap(out).set(args.backend.typedArrayFromHeap(x).subarray(from, from + count));
    return out;
  };
}

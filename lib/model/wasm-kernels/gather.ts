// Fast GatherV2 for the tfjs wasm backend: whole-row copies for the batch-picking case (axis 0).
//
// Why: tfjs-backend-wasm 4.22's Gather walks every element through strided index arithmetic; picking a
// batch of 128 digits [128, 28, 28] out of [48000, 28, 28] took ~9 ms, longer than a 512×512 matMul.
// Gathering along axis 0 is a copy of `indices.length` contiguous rows; values are copied bit for bit.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import type { WasmKernelFunc } from "./wasm-backend";

/** GatherV2 for axis 0 without batch dims (every other case goes to the stock kernel). */
export function createFastGather(stock: WasmKernelFunc): WasmKernelFunc {
  return (args) => {
    const { backend } = args;
    const x = args.inputs.x!;
    const indices = args.inputs.indices!;
    const axis = tf.util.parseAxisParam(args.attrs.axis as number, x.shape)[0];
    const batchDims = (args.attrs.batchDims as number | undefined) ?? 0;
    if (axis !== 0 || batchDims !== 0 || indices.dtype !== "int32" || x.dtype === "string") return stock(args);
    const rows = x.shape[0]!;
    const rowSize = tf.util.sizeFromShape(x.shape.slice(1));
    const count = tf.util.sizeFromShape(indices.shape);
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    // Heap views are taken after makeOutput: an allocation can grow (and so detach) the wasm memory.
    const index = backend.typedArrayFromHeap(indices) as Int32Array;
    const source = backend.typedArrayFromHeap(x);
    const target = backend.typedArrayFromHeap(out);
    for (let i = 0; i < count; i++) {
      const row = index[i]!;
      if (!(row >= 0 && row < rows)) {
        backend.disposeData(out.dataId);
        throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]`);
      }
      target.set(source.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize);
    }
    return out;
  };
}

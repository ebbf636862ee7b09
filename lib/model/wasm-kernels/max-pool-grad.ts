// MaxPoolGrad for the wasm backend: each output's gradient goes to the first largest input of its window.
//
// Why: tfjs-backend-wasm 4.22's MaxPoolGrad visits, for every input pixel, every window that could hold it and
// recomputes that window's maximum each time: 103 ms of a 276 ms CNN step at batch 128, its largest kernel.
// Here one WebAssembly pass (max-pool-scan.ts, four channels per f32x4) over the windows finds each maximum once
// and adds dy there, following a table of each window's positions (byte offsets of their first channel, -1 in the
// padding) built once per geometry: 5-6 ms for both pools of a batch of 128 here (103 ms stock).
// Ties go to the first position in row-major window order, as on the cpu backend (maxPoolPositions, strict >).
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { LRUCache } from "lru-cache";
import type { WasmKernelFunc } from "./wasm-backend";
import { poolGradKernelFor } from "./max-pool-scan";

type PoolInfo = ReturnType<typeof tf.backend_util.computePool2DInfo>;

const tables = new LRUCache<string, Int32Array>({ max: 16 });

/** Each window's positions as byte offsets of their channel 0 in x, -1 in the padding: [windows, fh · fw]. */
function windowTable(info: PoolInfo): Int32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const key = [batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth]
    .concat([info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left])
    .join(",");
  let table = tables.get(key);
  if (table) return table;
  table = new Int32Array(batchSize * outHeight * outWidth * filterHeight * filterWidth);
  let entry = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        for (let kh = 0; kh < filterHeight; kh++) {
          for (let kw = 0; kw < filterWidth; kw++) {
            const h = oh * info.strideHeight - info.padInfo.top + kh;
            const w = ow * info.strideWidth - info.padInfo.left + kw;
            const inside = h >= 0 && h < inHeight && w >= 0 && w < inWidth;
            table[entry++] = inside ? 4 * ((b * inHeight + h) * inWidth + w) * inChannels : -1;
          }
        }
      }
    }
  }
  tables.set(key, table);
  return table;
}

/** MaxPoolGrad of float32 channels-last tensors, undilated; anything else goes to `stock`. */
export function createFastMaxPoolGrad(stock: WasmKernelFunc, memory: WebAssembly.Memory): WasmKernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const [dy, x] = [inputs.dy!, inputs.input!];
    if (x.dtype !== "float32" || dy.dtype !== "float32" || x.shape.length !== 4) return stock(args);
    const info = tf.backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterSize as number | [number, number],
      attrs.strides as number | [number, number],
      1,
      attrs.pad as "same" | "valid" | number,
      attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    );
    const table = windowTable(info);
    const heapTable = backend.makeOutput([table.length], "int32");
    const out = backend.makeOutput(x.shape, "float32");
    try {
      const tableView = backend.typedArrayFromHeap(heapTable);
      tableView.set(table);
      const outView = backend.typedArrayFromHeap(out);
      outView.fill(0);
      const at = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
      const windows = info.batchSize * info.outHeight * info.outWidth;
      const size = info.filterHeight * info.filterWidth;
      poolGradKernelFor(memory)(
        tableView.byteOffset,
        windows,
        size,
        at(x),
        at(dy),
        outView.byteOffset,
        info.inChannels,
      );
      return out;
    } finally {
      backend.disposeData(heapTable.dataId);
    }
  };
}

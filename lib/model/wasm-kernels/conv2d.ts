// Conv2D for the wasm backend: the patches of the input (im2col.ts) times the filter, on gemm.ts.
//
// Why: tfjs-backend-wasm 4.22's Conv2D (XNNPACK) repacks the filter on every call, since in training it is a new
// tensor every step, and ran the CNN preset's second convolution (a 571 MFLOP product at batch 128) at ~10 GFLOP/s
// here; the patches and gemm.ts run it at ~30. Output [p, co] = patches [p, K] · filterᵀ, the filter [K, co]
// transposed once (transpose.ts) so that both operands have K contiguous. The images go a block at a time
// (imagesPerBlock): a block's patches are copied and multiplied while they are in L2, and the heap holds one
// block of patches, not a whole evaluation batch's (139 MB for the second layer at 1,000 digits).
// Channels-last float32 without dilation; anything else goes to the stock kernel.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { gemmKernelFor } from "./gemm";
import type { GemmTarget } from "./matmul";
import { transposeKernelFor } from "./transpose";
import { copyPatches, heapPatchRows, imagesPerBlock, patchSize } from "./im2col";
import type { WasmKernelFunc } from "./wasm-backend";

export function createFastConv2D(stock: WasmKernelFunc, target: GemmTarget): WasmKernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const [x, filter] = [inputs.x!, inputs.filter!];
    const dilations = (attrs.dilations as number | [number, number] | undefined) ?? 1;
    const undilated = typeof dilations === "number" ? dilations === 1 : dilations.every((d) => d === 1);
    if (x.dtype !== "float32" || filter.dtype !== "float32" || attrs.dataFormat !== "NHWC" || !undilated)
      return stock(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides as number | [number, number],
      1,
      attrs.pad as "same" | "valid" | number,
      attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    );
    const k = patchSize(info);
    const co = info.outChannels;
    const pixelsPerImage = info.outHeight * info.outWidth;
    if (info.batchSize * pixelsPerImage * k * co === 0) return stock(args);
    const block = Math.min(info.batchSize, imagesPerBlock(info));
    const rows = heapPatchRows(backend, { ...info, batchSize: block });
    const patches = backend.makeOutput([block * pixelsPerImage, k], "float32");
    const filterT = backend.makeOutput([co, k], "float32");
    const out = backend.makeOutput(info.outShape, "float32");
    try {
      const at = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
      transposeKernelFor(target.memory)(at(filter), at(filterT), k, co);
      const gemm = gemmKernelFor(target.memory, { n: co, k, bias: false, relu: false, fma: target.fma });
      const [xAt, patchesAt, filterTAt, outAt] = [at(x), at(patches), at(filterT), at(out)];
      const imageBytes = 4 * info.inHeight * info.inWidth * info.inChannels;
      for (let first = 0; first < info.batchSize; first += block) {
        const images = Math.min(block, info.batchSize - first);
        copyPatches(target.memory, rows, images, xAt + first * imageBytes, patchesAt);
        gemm(patchesAt, filterTAt, outAt + 4 * first * pixelsPerImage * co, 0, images * pixelsPerImage);
      }
      return out;
    } finally {
      for (const t of [rows.table, patches, filterT]) backend.disposeData(t.dataId);
    }
  };
}

// Conv2D for the wasm backend: the patches of the input (im2col.ts) times the filter, on gemm.ts.
//
// Why: tfjs-backend-wasm 4.22's Conv2D (XNNPACK) repacks the filter on every call, since in training it is a new
// tensor every step, and ran the CNN preset's second convolution (a 571 MFLOP product at batch 128) at ~10 GFLOP/s
// here; the patches and gemm.ts run it at ~30. Output [p, co] = patches [p, K] · filterᵀ, the filter [K, co]
// transposed once (transpose.ts) so that both operands have K contiguous; p in blocks of PIXELS_PER_BLOCK rows so
// that a block of patches stays in cache while every panel of the filter passes over it.
// Channels-last float32 without dilation; anything else goes to the stock kernel.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { gemmKernelFor } from "./gemm";
import type { GemmTarget } from "./matmul";
import { transposeKernelFor } from "./transpose";
import { copyPatches, patchSize } from "./im2col";
import type { WasmKernelFunc } from "./wasm-backend";

/** Rows of patches per gemm call: 256 rows of the preset's second layer (288 floats each) are 295 KB. */
export const PIXELS_PER_BLOCK = 256;

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
    const pixels = info.batchSize * info.outHeight * info.outWidth;
    if (pixels * k * co === 0) return stock(args);
    const patches = backend.makeOutput([pixels, k], "float32");
    const filterT = backend.makeOutput([co, k], "float32");
    const out = backend.makeOutput(info.outShape, "float32");
    try {
      copyPatches(backend, target.memory, info, x, patches);
      const at = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
      transposeKernelFor(target.memory)(at(filter), at(filterT), k, co);
      const gemm = gemmKernelFor(target.memory, { n: co, k, bias: false, relu: false, fma: target.fma });
      const [patchesAt, filterTAt, outAt] = [at(patches), at(filterT), at(out)];
      for (let row = 0; row < pixels; row += PIXELS_PER_BLOCK) {
        gemm(patchesAt + 4 * row * k, filterTAt, outAt + 4 * row * co, 0, Math.min(PIXELS_PER_BLOCK, pixels - row));
      }
      return out;
    } finally {
      backend.disposeData(patches.dataId);
      backend.disposeData(filterT.dataId);
    }
  };
}

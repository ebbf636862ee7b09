// Conv2DBackpropFilter and Conv2DBackpropInput for the wasm backend: a convolution layer's weight and input
// gradients as gemm.ts products between patch copies (im2col.ts), in the backend's heap.
//
// Why: tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter at all, so no convolution trains on it, and its
// Conv2DBackpropInput is a direct loop without SIMD. With p output pixels (batch · outHeight · outWidth),
// K = filterHeight · filterWidth · inChannels and co output channels:
//   - dW [K, co] = patchesᵀ · dY, summed over p: gemm wants both operands with p contiguous, so each chunk of
//     whole images has its patches [p, K] copied and transposed with its dY [p, co] (transpose.ts), its product
//     written apart, and the chunks' products are then added in order (sum.ts's column sums). A chunk is at most
//     CHUNK_PIXELS output pixels and one block of patches (im2col.ts), so no float32 sum runs over more than 4,096
//     terms (a first-layer batch of 128 has 86,528), and a chunk's copies stay in L2 for its product.
//   - dX = the patch gradients dY [p, co] · Wᵀ ([p, K], the filter [K, co] already has co contiguous), added back
//     where each patch came from.
// Channels-last float32 is what Keras layers use; anything else goes to tfjs's own
// Conv2DBackpropInput, and Conv2DBackpropFilter says it is not supported.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { gemmKernelFor } from "./gemm";
import type { GemmTarget } from "./matmul";
import { columnSumsKernelFor } from "./sum";
import { transposeKernelFor } from "./transpose";
import { addPatches, copyPatches, heapPatchRows, imagesPerBlock, patchSize } from "./im2col";
import type { WasmBackend, WasmKernelFunc } from "./wasm-backend";

/** The most output pixels one chunk of the filter gradient sums in float32 before chunks are added. */
const CHUNK_PIXELS = 4096;

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** The convolution's geometry, or null when this package does not handle it (not channels last, or empty). */
function convInfo(xShape: number[], filterShape: number[], attrs: Record<string, unknown>): ConvInfo | null {
  // The gradient kernels' attributes have no dilations: tfjs-core differentiates only undilated convolutions.
  if (((attrs.dataFormat as string | undefined) ?? "NHWC") !== "NHWC") return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  return info.outHeight * info.outWidth * info.batchSize * info.inChannels * info.outChannels === 0 ? null : info;
}

/** Byte offset of a tensor in the heap; read after the last allocation (a growing heap moves views, not offsets). */
const at = (backend: WasmBackend, t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;

export function createFastConv2DBackpropFilter(target: GemmTarget): WasmKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const [x, dy] = [inputs.x!, inputs.dy!];
    const info = convInfo(x.shape, attrs.filterShape as number[], attrs);
    if (info === null || x.dtype !== "float32" || dy.dtype !== "float32") {
      throw new Error(
        `Conv2DBackpropFilter on wasm (mnist-lens fast kernels) takes float32 NHWC, got ${x.dtype} ${String(attrs.dataFormat)}`,
      );
    }
    const k = patchSize(info);
    const co = info.outChannels;
    const pixelsPerImage = info.outHeight * info.outWidth;
    const block = Math.min(
      info.batchSize,
      imagesPerBlock(info),
      Math.max(1, Math.floor(CHUNK_PIXELS / pixelsPerImage)),
    );
    const chunks = Math.ceil(info.batchSize / block);
    const rows = heapPatchRows(backend, { ...info, batchSize: block });
    const blockPixels = block * pixelsPerImage;
    const temps = [
      rows.table,
      backend.makeOutput([blockPixels, k], "float32"),
      backend.makeOutput([k, blockPixels], "float32"),
      backend.makeOutput([co, blockPixels], "float32"),
      backend.makeOutput([chunks, k, co], "float32"),
    ];
    const out = backend.makeOutput(info.filterShape, "float32");
    try {
      const transpose = transposeKernelFor(target.memory);
      const [xAt, dyAt, patchesAt, patchesTAt, dyTAt, partialAt] = [x, dy, ...temps.slice(1)].map((t) =>
        at(backend, t),
      ) as [number, number, number, number, number, number];
      const imageBytes = 4 * info.inHeight * info.inWidth * info.inChannels;
      for (let c = 0; c < chunks; c++) {
        const first = c * block;
        const images = Math.min(block, info.batchSize - first);
        const pixels = images * pixelsPerImage;
        // The chunk's patches [pixels, k] → [k, pixels] and dy [pixels, co] → [co, pixels]: p contiguous.
        copyPatches(target.memory, rows, images, xAt + first * imageBytes, patchesAt);
        transpose(patchesAt, patchesTAt, pixels, k);
        transpose(dyAt + 4 * first * pixelsPerImage * co, dyTAt, pixels, co);
        const gemm = gemmKernelFor(target.memory, { n: co, k: pixels, bias: false, relu: false, fma: target.fma });
        gemm(patchesTAt, dyTAt, partialAt + 4 * c * k * co, 0, k);
      }
      columnSumsKernelFor(target.memory)(partialAt, at(backend, out), chunks, k * co);
      return out;
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

export function createFastConv2DBackpropInput(stock: WasmKernelFunc, target: GemmTarget): WasmKernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const [dy, filter] = [inputs.dy!, inputs.filter!];
    const info = convInfo(attrs.inputShape as number[], filter.shape, attrs);
    if (info === null || dy.dtype !== "float32" || filter.dtype !== "float32") return stock(args);
    const k = patchSize(info);
    const co = info.outChannels;
    const pixelsPerImage = info.outHeight * info.outWidth;
    const block = Math.min(info.batchSize, imagesPerBlock(info));
    const rows = heapPatchRows(backend, { ...info, batchSize: block });
    const patches = backend.makeOutput([block * pixelsPerImage, k], "float32");
    const out = backend.makeOutput(info.inShape, "float32");
    try {
      // [pixels, co] · [k, co]ᵀ: the filter [fh, fw, ci, co] is already [k, co].
      const gemm = gemmKernelFor(target.memory, { n: k, k: co, bias: false, relu: false, fma: target.fma });
      const outView = backend.typedArrayFromHeap(out);
      outView.fill(0);
      const [dyAt, filterAt, patchesAt, outAt] = [
        at(backend, dy),
        at(backend, filter),
        at(backend, patches),
        outView.byteOffset,
      ];
      const imageBytes = 4 * info.inHeight * info.inWidth * info.inChannels;
      for (let first = 0; first < info.batchSize; first += block) {
        const images = Math.min(block, info.batchSize - first);
        gemm(dyAt + 4 * first * pixelsPerImage * co, filterAt, patchesAt, 0, images * pixelsPerImage);
        addPatches(target.memory, rows, images, patchesAt, outAt + first * imageBytes);
      }
      return out;
    } finally {
      backend.disposeData(rows.table.dataId);
      backend.disposeData(patches.dataId);
    }
  };
}

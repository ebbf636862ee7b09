// MaxPoolGrad for the wasm backend: each output's gradient goes to the first largest input of its window.
//
// Why: tfjs-backend-wasm 4.22's MaxPoolGrad visits, for every input pixel, every window that could hold it and
// recomputes that window's maximum each time: 103 ms of a 276 ms CNN step at batch 128 (its largest kernel).
// Here one pass over the windows finds each maximum once and adds dy there: ~100 times faster for 2 × 2 pools.
// Ties go to the first position in row-major window order, as the cpu backend (maxPoolPositions, strict >).
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import type { WasmKernelFunc } from "./wasm-backend";

type PoolInfo = ReturnType<typeof tf.backend_util.computePool2DInfo>;

/** dx [batch, inHeight, inWidth, channels] (overwritten) from x (same shape) and dy [batch, outHeight, outWidth, channels]. */
export function maxPoolBackprop(info: PoolInfo, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  const { inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth } = info;
  dx.fill(0);
  let o = 0;
  for (let b = 0; b < info.batchSize; b++) {
    const image = b * inHeight * inWidth * channels;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * info.strideHeight - info.padInfo.top;
      const [hStart, hEnd] = [Math.max(0, h0), Math.min(inHeight, h0 + filterHeight)];
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = ow * info.strideWidth - info.padInfo.left;
        const [wStart, wEnd] = [Math.max(0, w0), Math.min(inWidth, w0 + filterWidth)];
        for (let c = 0; c < channels; c++, o++) {
          let best = -Infinity;
          let at = -1;
          for (let h = hStart; h < hEnd; h++) {
            for (let w = wStart; w < wEnd; w++) {
              const i = image + (h * inWidth + w) * channels + c;
              if (x[i]! > best) {
                best = x[i]!;
                at = i;
              }
            }
          }
          if (at >= 0) dx[at]! += dy[o]!;
        }
      }
    }
  }
}

/** MaxPoolGrad of float32 channels-last tensors, undilated; anything else goes to `stock`. */
export function createFastMaxPoolGrad(stock: WasmKernelFunc): WasmKernelFunc {
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
    const out = backend.makeOutput(x.shape, "float32");
    const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    maxPoolBackprop(info, view(x), view(dy), view(out));
    return out;
  };
}

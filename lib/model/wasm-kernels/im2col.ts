// The patch copies around gemm.ts that turn a 2-D convolution's gradients into matrix products (conv2d-grad.ts),
// on float32 views of tfjs-backend-wasm's heap, channels last.
//
// A patch row holds one output pixel's receptive field, [filterHeight, filterWidth, inChannels] flattened (the
// filter's own layout without its last axis), zeros where the field reaches into the padding. Within a row
// each filter row's span of filterWidth · inChannels floats is contiguous in the input whenever every column
// of it lies inside, which is the copy the loops below make; only fields crossing the border go float by float.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";

/** What the copies need of tfjs's Conv2DInfo (backend_util.computeConv2DInfo), channels last, no dilation. */
export interface PatchGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padInfo: { top: number; left: number };
}

/** Floats per patch row: filterHeight · filterWidth · inChannels. */
export function patchSize(g: PatchGeometry): number {
  return g.filterHeight * g.filterWidth * g.inChannels;
}

/**
 * patches[p, :] = the receptive field of output pixel p = (b, oh, ow) in x [batch, inHeight, inWidth, inChannels];
 * patches is [batch · outHeight · outWidth, patchSize] and every float of it is written.
 */
export function copyPatches(g: PatchGeometry, x: Float32Array, patches: Float32Array): void {
  const { inHeight, inWidth, inChannels: ci, filterHeight: fh, filterWidth: fw } = g;
  const span = fw * ci;
  let dst = 0;
  for (let b = 0; b < g.batchSize; b++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      const ih0 = oh * g.strideHeight - g.padInfo.top;
      for (let ow = 0; ow < g.outWidth; ow++) {
        const iw0 = ow * g.strideWidth - g.padInfo.left;
        const inside = iw0 >= 0 && iw0 + fw <= inWidth;
        for (let kh = 0; kh < fh; kh++, dst += span) {
          const ih = ih0 + kh;
          if (ih < 0 || ih >= inHeight) {
            patches.fill(0, dst, dst + span);
            continue;
          }
          const src = ((b * inHeight + ih) * inWidth + iw0) * ci;
          if (inside) {
            for (let i = 0; i < span; i++) patches[dst + i] = x[src + i]!;
            continue;
          }
          for (let kw = 0; kw < fw; kw++) {
            const iw = iw0 + kw;
            const at = dst + kw * ci;
            if (iw < 0 || iw >= inWidth) patches.fill(0, at, at + ci);
            else for (let c = 0; c < ci; c++) patches[at + c] = x[src + kw * ci + c]!;
          }
        }
      }
    }
  }
}

/**
 * The adjoint of copyPatches: dx [batch, inHeight, inWidth, inChannels] = Σ over patch rows of each float added back
 * where copyPatches took it from (padding dropped). dx is overwritten.
 */
export function addPatches(g: PatchGeometry, patches: Float32Array, dx: Float32Array): void {
  const { inHeight, inWidth, inChannels: ci, filterHeight: fh, filterWidth: fw } = g;
  const span = fw * ci;
  dx.fill(0);
  let src = 0;
  for (let b = 0; b < g.batchSize; b++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      const ih0 = oh * g.strideHeight - g.padInfo.top;
      for (let ow = 0; ow < g.outWidth; ow++) {
        const iw0 = ow * g.strideWidth - g.padInfo.left;
        const inside = iw0 >= 0 && iw0 + fw <= inWidth;
        for (let kh = 0; kh < fh; kh++, src += span) {
          const ih = ih0 + kh;
          if (ih < 0 || ih >= inHeight) continue;
          const dst = ((b * inHeight + ih) * inWidth + iw0) * ci;
          if (inside) {
            for (let i = 0; i < span; i++) dx[dst + i]! += patches[src + i]!;
            continue;
          }
          for (let kw = 0; kw < fw; kw++) {
            const iw = iw0 + kw;
            if (iw < 0 || iw >= inWidth) continue;
            for (let c = 0; c < ci; c++) dx[dst + kw * ci + c]! += patches[src + kw * ci + c]!;
          }
        }
      }
    }
  }
}

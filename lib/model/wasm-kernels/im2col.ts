// Where a 2-D convolution's patch rows come from, for conv2d.ts and conv2d-grad.ts: an offset table that
// patch-rows.ts's WebAssembly loops follow to copy patches out of the input (im2col) or add them back (col2im).
//
// A patch row holds one output pixel's receptive field, [filterHeight, filterWidth, inChannels] flattened (the
// filter's own layout without its last axis), zeros where the field reaches into the padding. Channels last, each
// filter row's span of filterWidth · inChannels floats is contiguous in the input; when no field crosses the left
// or right border (no horizontal padding), a table entry stands for such a span, else for one pixel's inChannels.
// Tables depend only on the geometry, so each is built once and kept (a training run has a handful).
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import type * as tf from "@tensorflow/tfjs";
import { LRUCache } from "lru-cache";
import { addRowsKernelFor, gatherRowsKernelFor } from "./patch-rows";
import type { WasmBackend } from "./wasm-backend";

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

/** The offset table of a geometry: one entry per `rowBytes` of the patches, in patch order. */
export interface PatchRows {
  /** Byte offsets into the input [batch, inHeight, inWidth, inChannels], or -1 where the row is padding. */
  table: Int32Array;
  rowBytes: number;
}

/** Floats per patch row: filterHeight · filterWidth · inChannels. */
export function patchSize(g: PatchGeometry): number {
  return g.filterHeight * g.filterWidth * g.inChannels;
}

const MAX_CACHED_TABLES = 16;
const tables = new LRUCache<string, PatchRows>({ max: MAX_CACHED_TABLES });

/** The offset table for `g` (built on first use). */
export function patchRows(g: PatchGeometry): PatchRows {
  const key = [g.batchSize, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.filterHeight, g.filterWidth]
    .concat([g.strideHeight, g.strideWidth, g.padInfo.top, g.padInfo.left])
    .join(",");
  let rows = tables.get(key);
  if (!rows) {
    rows = buildPatchRows(g);
    tables.set(key, rows);
  }
  return rows;
}

function buildPatchRows(g: PatchGeometry): PatchRows {
  const { inHeight, inWidth, inChannels: ci, filterHeight: fh, filterWidth: fw } = g;
  const lastLeft = (g.outWidth - 1) * g.strideWidth - g.padInfo.left;
  // Whole filter rows when every field lies inside horizontally; else one entry per pixel.
  const spans = g.padInfo.left === 0 && lastLeft + fw <= inWidth;
  const perField = spans ? fh : fh * fw;
  const table = new Int32Array(g.batchSize * g.outHeight * g.outWidth * perField);
  let entry = 0;
  for (let b = 0; b < g.batchSize; b++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      const ih0 = oh * g.strideHeight - g.padInfo.top;
      for (let ow = 0; ow < g.outWidth; ow++) {
        const iw0 = ow * g.strideWidth - g.padInfo.left;
        for (let kh = 0; kh < fh; kh++) {
          const ih = ih0 + kh;
          const rowInside = ih >= 0 && ih < inHeight;
          for (let kw = 0; kw < (spans ? 1 : fw); kw++) {
            const iw = iw0 + kw;
            const inside = rowInside && iw >= 0 && iw < inWidth;
            table[entry++] = inside ? 4 * ((b * inHeight + ih) * inWidth + iw) * ci : -1;
          }
        }
      }
    }
  }
  return { table, rowBytes: 4 * ci * (spans ? fw : 1) };
}

/** Bytes of patches per block of images: blocks this size stay in L2 between their copy and their product. */
const PATCH_BLOCK_BYTES = 1 << 19;

/** Images per block of patches (at least one). */
export function imagesPerBlock(g: PatchGeometry): number {
  return Math.max(1, Math.floor(PATCH_BLOCK_BYTES / (4 * patchSize(g) * g.outHeight * g.outWidth)));
}

/** A block geometry's offset table in the heap; any fewer images use a prefix of it (offsets are per image). */
export interface HeapPatchRows {
  table: tf.TensorInfo;
  tableAt: number;
  entriesPerImage: number;
  rowBytes: number;
}

/** Copies the table of `block` (a geometry whose batchSize is the images per block) into the heap; dispose `table`. */
export function heapPatchRows(backend: WasmBackend, block: PatchGeometry): HeapPatchRows {
  const { table, rowBytes } = patchRows(block);
  const heapTable = backend.makeOutput([table.length], "int32");
  const view = backend.typedArrayFromHeap(heapTable) as Int32Array;
  view.set(table);
  return { table: heapTable, tableAt: view.byteOffset, entriesPerImage: table.length / block.batchSize, rowBytes };
}

/** patches [images · outHeight · outWidth, patchSize] = the receptive fields of the images at xAt (im2col). */
export function copyPatches(
  memory: WebAssembly.Memory,
  rows: HeapPatchRows,
  images: number,
  xAt: number,
  patchesAt: number,
): void {
  gatherRowsKernelFor(memory)(rows.tableAt, images * rows.entriesPerImage, xAt, patchesAt, rows.rowBytes);
}

/** The adjoint of copyPatches (col2im): every patch float added to the images at dxAt where it was taken from. */
export function addPatches(
  memory: WebAssembly.Memory,
  rows: HeapPatchRows,
  images: number,
  patchesAt: number,
  dxAt: number,
): void {
  addRowsKernelFor(memory)(rows.tableAt, images * rows.entriesPerImage, patchesAt, dxAt, rows.rowBytes);
}

// Fast Sum for the tfjs wasm backend over leading axes (a Dense layer's bias gradient: dY summed over the batch).
//
// Why: tfjs-backend-wasm 4.22 sums over axis 0 by transposing the whole tensor first so that the summed axis is
// innermost: 0.4 ms for a [128, 512] gradient, three per seed-network step, the largest kernel after the
// products. Here a WebAssembly SIMD pass adds the rows into 16 column sums at a time, in the heap. Each column
// is summed in row order in float32, as the cpu backend does. Other reductions go to the stock kernel.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import type { WasmKernelFunc } from "./wasm-backend";
import * as emit from "./wasm-emit";

/** columnSums(src, dst, rows, cols): dst[j] = Σ_i src[i·cols + j]; byte offsets into the heap. */
export type ColumnSumsKernel = (src: number, dst: number, rows: number, cols: number) => void;

const { I32, V128, F32, get, set, i32, I32_ADD, I32_MUL, forLoop } = emit;
const [SRC, DST, ROWS, COLS] = [0, 1, 2, 3];
const [J, P, P_END, COLS16, COLS4, ROW_BYTES] = [4, 5, 6, 7, 8, 9];
const SUM = 10;
const ACC = [11, 12, 13, 14];

function columnSumsModule(): Uint8Array<ArrayBuffer> {
  /** `vectors` f32x4 column sums starting at column J (the rest of the strip loops), or one float when 0. */
  const strip = (vectors: number) => {
    const scalar = vectors === 0;
    const code: number[] = [];
    if (scalar) code.push(...emit.F32_ZERO, ...set(SUM));
    for (let v = 0; v < vectors; v++) code.push(...emit.V128_ZERO, ...set(ACC[v]!));
    code.push(...get(SRC), ...get(J), ...i32(4), ...I32_MUL, ...I32_ADD, ...set(P));
    code.push(...get(P), ...get(ROWS), ...get(ROW_BYTES), ...I32_MUL, ...I32_ADD, ...set(P_END));
    const step = scalar
      ? [...get(SUM), ...get(P), ...emit.F32_LOAD(), ...emit.F32_ADD, ...set(SUM)]
      : ACC.slice(0, vectors).flatMap((acc, v) => [...get(acc), ...get(P), ...emit.V128_LOAD(16 * v), ...emit.F32X4_ADD, ...set(acc)]);
    code.push(...forLoop(P, get(P_END), get(ROW_BYTES), step));
    const out = [...get(DST), ...get(J), ...i32(4), ...I32_MUL, ...I32_ADD];
    if (scalar) code.push(...out, ...get(SUM), ...emit.F32_STORE());
    for (let v = 0; v < vectors; v++) code.push(...out, ...get(ACC[v]!), ...emit.V128_STORE(16 * v));
    return code;
  };
  const body = [
    ...get(COLS), ...i32(-16), ...emit.I32_AND, ...set(COLS16),
    ...get(COLS), ...i32(-4), ...emit.I32_AND, ...set(COLS4),
    ...get(COLS), ...i32(4), ...I32_MUL, ...set(ROW_BYTES),
    ...i32(0), ...set(J),
    ...forLoop(J, get(COLS16), 16, strip(4)),
    ...forLoop(J, get(COLS4), 4, strip(1)),
    ...forLoop(J, get(COLS), 1, strip(0)),
  ];
  return emit.moduleBytes("columnSums", [I32, I32, I32, I32], [[6, I32], [1, F32], [4, V128]], body);
}

/** The column-sum function bound to a memory (compiled once per memory). */
export const columnSumsKernelFor = emit.kernelPerMemory<ColumnSumsKernel>(columnSumsModule, "columnSums");

/** Sum of a float32 tensor over its leading axes [0, r) with 0 < r < rank; anything else goes to `stock`. */
export function createFastSum(stock: WasmKernelFunc, memory: WebAssembly.Memory): WasmKernelFunc {
  return (args) => {
    const x = args.inputs.x!;
    const axes = tf.util.parseAxisParam(args.attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
    const r = axes.length;
    const leading = r > 0 && r < x.shape.length && axes.every((axis, i) => axis === i);
    if (x.dtype !== "float32" || !leading || tf.util.sizeFromShape(x.shape) === 0) return stock(args);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, r));
    const rest = x.shape.slice(r);
    const out = args.backend.makeOutput(args.attrs.keepDims ? [...Array<number>(r).fill(1), ...rest] : rest, "float32");
    const at = (t: tf.TensorInfo) => args.backend.typedArrayFromHeap(t).byteOffset;
    columnSumsKernelFor(memory)(at(x), at(out), rows, tf.util.sizeFromShape(rest));
    return out;
  };
}

// A WebAssembly SIMD 2-D transpose that runs in tfjs-backend-wasm's own memory, for the fast gemm's operands.
//
// Why: gemm.ts's dot tiling wants both operands with k contiguous, so forward products (Wᵀ) and
// weight gradients (Xᵀ, dYᵀ) transpose an operand first. tfjs-backend-wasm's Transpose kernel moves one float
// at a time (6.5 ns per float measured for 512 × 512); this one moves 4 × 4 blocks through eight shuffles.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { wasmHeapMemory, type WasmBackend } from "./wasm-backend";
import * as emit from "./wasm-emit";

const { I32, V128, get, set, i32, I32_ADD, I32_MUL, forLoop } = emit;

/** transpose(src, dst, rows, cols): src [rows, cols] row-major → dst [cols, rows]; byte offsets into the heap. */
export type TransposeKernel = (src: number, dst: number, rows: number, cols: number) => void;

const [SRC, DST, ROWS, COLS] = [0, 1, 2, 3];
const [I, J, ROWS4, COLS4, PS, PD, ROW_BYTES, COL_BYTES] = [4, 5, 6, 7, 8, 9, 10, 11];
const R = [12, 13, 14, 15];
const T = [16, 17, 18, 19];

/** i8x16.shuffle picking f32 lanes (0-3 from the first operand, 4-7 from the second). */
const shuffle = (lanes: number[]) => emit.I8X16_SHUFFLE(lanes.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]));

/** dst[j, i] = src[i, j] one float at a time, for i and j in the loops' ranges (the edges). */
const element = () => [
  ...get(DST), ...get(J), ...get(ROWS), ...I32_MUL, ...get(I), ...I32_ADD, ...i32(4), ...I32_MUL, ...I32_ADD,
  ...get(SRC), ...get(I), ...get(COLS), ...I32_MUL, ...get(J), ...I32_ADD, ...i32(4), ...I32_MUL, ...I32_ADD, ...emit.F32_LOAD(),
  ...emit.F32_STORE(),
];

function transposeModule(): Uint8Array<ArrayBuffer> {
  const block = [
    // PS = src + (i·cols + j)·4, PD = dst + (j·rows + i)·4
    ...get(SRC), ...get(I), ...get(COLS), ...I32_MUL, ...get(J), ...I32_ADD, ...i32(4), ...I32_MUL, ...I32_ADD, ...set(PS),
    ...get(DST), ...get(J), ...get(ROWS), ...I32_MUL, ...get(I), ...I32_ADD, ...i32(4), ...I32_MUL, ...I32_ADD, ...set(PD),
    ...R.flatMap((r, index) => [...get(PS), ...i32(index), ...get(ROW_BYTES), ...I32_MUL, ...I32_ADD, ...emit.V128_LOAD(), ...set(r)]),
    ...get(R[0]!), ...get(R[1]!), ...shuffle([0, 4, 1, 5]), ...set(T[0]!),
    ...get(R[0]!), ...get(R[1]!), ...shuffle([2, 6, 3, 7]), ...set(T[1]!),
    ...get(R[2]!), ...get(R[3]!), ...shuffle([0, 4, 1, 5]), ...set(T[2]!),
    ...get(R[2]!), ...get(R[3]!), ...shuffle([2, 6, 3, 7]), ...set(T[3]!),
    ...[[T[0]!, T[2]!, [0, 1, 4, 5]], [T[0]!, T[2]!, [2, 3, 6, 7]], [T[1]!, T[3]!, [0, 1, 4, 5]], [T[1]!, T[3]!, [2, 3, 6, 7]]].flatMap(
      ([x, y, lanes], index) => [
        ...get(PD), ...i32(index), ...get(COL_BYTES), ...I32_MUL, ...I32_ADD,
        ...get(x as number), ...get(y as number), ...shuffle(lanes as number[]), ...emit.V128_STORE(),
      ],
    ),
  ];
  const body = [
    ...get(ROWS), ...i32(-4), ...emit.I32_AND, ...set(ROWS4),
    ...get(COLS), ...i32(-4), ...emit.I32_AND, ...set(COLS4),
    ...get(COLS), ...i32(4), ...I32_MUL, ...set(ROW_BYTES), // bytes between source rows
    ...get(ROWS), ...i32(4), ...I32_MUL, ...set(COL_BYTES), // bytes between destination rows
    ...i32(0), ...set(I),
    ...forLoop(I, get(ROWS4), 4, [...i32(0), ...set(J), ...forLoop(J, get(COLS4), 4, block)]),
    // The last cols % 4 columns of every row, then the last rows % 4 rows.
    ...i32(0), ...set(I),
    ...forLoop(I, get(ROWS), 1, [...get(COLS4), ...set(J), ...forLoop(J, get(COLS), 1, element())]),
    ...get(ROWS4), ...set(I),
    ...forLoop(I, get(ROWS), 1, [...i32(0), ...set(J), ...forLoop(J, get(COLS4), 1, element())]),
  ];
  return emit.moduleBytes("transpose", [I32, I32, I32, I32], [[8, I32], [8, V128]], body);
}

/** The transpose function bound to a memory (compiled once per memory). */
export const transposeKernelFor = emit.kernelPerMemory<TransposeKernel>(transposeModule, "transpose");

/**
 * This transpose on the active wasm backend's tensors: x [rows, cols] float32 into out [cols, rows], both allocated
 * by the caller; null when the active backend is not tfjs-backend-wasm. For bench:wasm-kernels, which sets it
 * against tfjs's own Transpose kernel (the package does not register it as Transpose; the products call it directly).
 */
export function createFastTranspose(): ((x: tf.TensorInfo, out: tf.TensorInfo) => void) | null {
  const backend = tf.backend() as unknown as WasmBackend;
  const memory = wasmHeapMemory(backend);
  if (memory === null) return null;
  const transpose = transposeKernelFor(memory);
  return (x, out) => {
    const [rows, cols] = x.shape as [number, number];
    // A wrong output shape would write past the tensor, into whatever the heap holds next.
    if (x.shape.length !== 2 || x.dtype !== "float32" || out.dtype !== "float32" || out.shape.length !== 2 || out.shape[0] !== cols || out.shape[1] !== rows) {
      throw new Error(`the fast transpose takes a float32 [rows, cols] and a float32 [cols, rows], got ${x.dtype} [${x.shape.join(", ")}] and ${out.dtype} [${out.shape.join(", ")}]`);
    }
    transpose(backend.typedArrayFromHeap(x).byteOffset, backend.typedArrayFromHeap(out).byteOffset, rows, cols);
  };
}

// A register-tiled WebAssembly SIMD matrix product that runs in tfjs-backend-wasm's own memory.
//
// Why not XNNPACK (the stock kernel): XNNPACK packs its right-hand operand before every product with a tensor
// it has not seen, and in training the weights are a new tensor every step: 8-33 ns per float packed, as
// much as the product itself for the seed network's layers.
//
// This kernel computes C[m, n] = A[m, k] · B[n, k]ᵀ (+ bias[n], then relu, when asked): every output is the
// dot product of two contiguous rows. Tiles of 2 rows × 4 columns of C sit in eight f32x4 accumulators that
// take four k at a time (one load per two multiply-adds); the lanes are summed at the end, then the k % 4
// terms left over. All rows of A pass a panel of 4 rows of B (4·k floats, in L1) before the next panel.
// Every operand is read as six contiguous streams, which the hardware prefetches: measured in training,
// this ran the seed network's products in 25% less time than a 4 × 8 broadcast tiling that read B [k, n] in
// place, even counting the transposes it needs (transpose.ts; matmul.ts decides).
//
// The dims except m are constants of the emitted code (one small module per layout, cached), which lets
// every load use a constant memory offset. With relaxed SIMD's fused multiply-add (layout.fma) each term
// rounds once instead of twice and the products run ~25% faster here; Node 20's V8 has relaxed SIMD behind
// a flag that relaxedSimdAvailable() sets.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import v8 from "node:v8";
import { LRUCache } from "lru-cache";
import * as emit from "./wasm-emit";

const { I32, V128, get, set, i32, I32_ADD, I32_MUL, forLoop } = emit;

/** What a product module is specialised for. */
export interface GemmLayout {
  /** Columns of C: rows of B. */
  n: number;
  /** The shared dimension: the length of every row of A and of B. */
  k: number;
  /** Adds a bias vector of n floats to every row. */
  bias: boolean;
  /** Applies max(x, 0) after the bias. */
  relu: boolean;
  /** Fused multiply-add (relaxed SIMD; check relaxedSimdAvailable() first) instead of a multiply and an add. */
  fma: boolean;
}

/** gemm(a, b, c, bias, m): byte offsets of A, B, C and the bias in the heap (bias ignored unless the layout has one), and m. */
export type GemmKernel = (a: number, b: number, c: number, bias: number, m: number) => void;

// Parameters, then locals.
const [A, B, C, BIAS, M] = [0, 1, 2, 3, 4];
const [ROW, COL, ROWS_TILED, PA, PB, PB_END] = [5, 6, 7, 8, 9, 10];
const X = 11;
/** Rows of A and of B per tile: 2 × 4 accumulators, 4 rows of B and one of A in 13 of the 16 SIMD registers. */
const DOT_ROWS = 2;
const DOT_COLS = 4;
const B_VECTORS = [12, 13, 14, 15];
const ACC_BASE = 16;

const LOCALS: Array<[number, number]> = [[6, I32], [1 + DOT_COLS + DOT_ROWS * DOT_COLS, V128]];

/** acc += x · y (f32x4), fused or as a multiply then an add. */
function multiplyAdd(fma: boolean, accumulator: number, x: number, y: number): number[] {
  return [
    ...(fma ? [...get(x), ...get(y), ...get(accumulator), ...emit.F32X4_RELAXED_MADD] : [...get(accumulator), ...get(x), ...get(y), ...emit.F32X4_MUL, ...emit.F32X4_ADD]),
    ...set(accumulator),
  ];
}

export function gemmModuleBytes(layout: GemmLayout): Uint8Array<ArrayBuffer> {
  return emit.moduleBytes("gemm", [I32, I32, I32, I32, I32], LOCALS, dotBody(layout));
}

/** Stores C(ROW + r, COL + c) = epilogue(sum), `sum` being code that leaves the float on the stack. */
function storeElement(layout: GemmLayout, r: number, c: number, sum: number[]): number[] {
  const code = [...get(ROW), ...i32(r), ...I32_ADD, ...i32(4 * layout.n), ...I32_MUL, ...get(C), ...I32_ADD, ...get(COL), ...i32(4), ...I32_MUL, ...I32_ADD, ...sum];
  if (layout.bias) code.push(...get(COL), ...i32(4), ...I32_MUL, ...get(BIAS), ...I32_ADD, ...emit.F32_LOAD(4 * c), ...emit.F32_ADD);
  if (layout.relu) code.push(...emit.F32_ZERO, ...emit.F32_MAX);
  code.push(...emit.F32_STORE(4 * c));
  return code;
}

/** C = A[m, k] · B[n, k]ᵀ, DOT_ROWS × DOT_COLS outputs at a time, then single columns for the last n % 4. */
function dotBody(layout: GemmLayout): number[] {
  const { n, k, fma } = layout;
  const row = 4 * k; // bytes per row of A and of B
  const kVectors = k - (k % 4);
  const acc = (r: number, c: number) => ACC_BASE + r * DOT_COLS + c;
  const tile = (rows: number, cols: number) => {
    const code: number[] = [];
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) code.push(...emit.V128_ZERO, ...set(acc(r, c)));
    code.push(...get(ROW), ...i32(row), ...I32_MUL, ...get(A), ...I32_ADD, ...set(PA));
    code.push(...get(COL), ...i32(row), ...I32_MUL, ...get(B), ...I32_ADD, ...set(PB));
    code.push(...get(PB), ...i32(4 * kVectors), ...I32_ADD, ...set(PB_END));
    const step: number[] = [];
    for (let c = 0; c < cols; c++) step.push(...get(PB), ...emit.V128_LOAD(c * row), ...set(B_VECTORS[c]!));
    for (let r = 0; r < rows; r++) {
      step.push(...get(PA), ...emit.V128_LOAD(r * row), ...set(X));
      for (let c = 0; c < cols; c++) step.push(...multiplyAdd(fma, acc(r, c), X, B_VECTORS[c]!));
    }
    step.push(...get(PA), ...i32(16), ...I32_ADD, ...set(PA));
    code.push(...forLoop(PB, get(PB_END), 16, step));
    // PA and PB now point at the last k % 4 terms of their first rows.
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const sum: number[] = [];
        for (let lane = 0; lane < 4; lane++) {
          sum.push(...get(acc(r, c)), ...emit.F32X4_EXTRACT_LANE(lane));
          if (lane > 0) sum.push(...emit.F32_ADD);
        }
        for (let t = 0; t < k % 4; t++) {
          sum.push(...get(PA), ...emit.F32_LOAD(r * row + 4 * t), ...get(PB), ...emit.F32_LOAD(c * row + 4 * t), ...emit.F32_MUL, ...emit.F32_ADD);
        }
        code.push(...storeElement(layout, r, c, sum));
      }
    }
    return code;
  };
  const wide = n - (n % DOT_COLS);
  return [
    ...get(M), ...get(M), ...i32(DOT_ROWS), ...emit.I32_REM_U, ...emit.I32_SUB, ...set(ROWS_TILED),
    ...i32(0), ...set(COL),
    ...forLoop(COL, i32(wide), DOT_COLS, [
      ...i32(0), ...set(ROW),
      ...forLoop(ROW, get(ROWS_TILED), DOT_ROWS, tile(DOT_ROWS, DOT_COLS)),
      ...forLoop(ROW, get(M), 1, tile(1, DOT_COLS)),
    ]),
    ...forLoop(COL, i32(n), 1, [...i32(0), ...set(ROW), ...forLoop(ROW, get(M), 1, tile(1, 1))]),
  ];
}

/** Modules compiled per memory and layout. A training run uses about ten layouts; the cap bounds odd workloads. */
const MAX_CACHED_LAYOUTS = 64;
const kernels = new WeakMap<WebAssembly.Memory, LRUCache<string, GemmKernel>>();

/** The product function for `layout`, bound to `memory` (compiled on first use, ~2-8 ms). */
export function gemmKernelFor(memory: WebAssembly.Memory, layout: GemmLayout): GemmKernel {
  let byLayout = kernels.get(memory);
  if (!byLayout) kernels.set(memory, (byLayout = new LRUCache({ max: MAX_CACHED_LAYOUTS })));
  const key = `${layout.n},${layout.k},${layout.bias ? 1 : 0}${layout.relu ? 1 : 0}${layout.fma ? 1 : 0}`;
  let kernel = byLayout.get(key);
  if (!kernel) {
    kernel = emit.instantiate<GemmKernel>(gemmModuleBytes(layout), "gemm", memory);
    byLayout.set(key, kernel);
  }
  return kernel;
}

/** A module whose one function returns f32x4.relaxed_madd(0, 0, 0): it validates where relaxed SIMD is on. */
const RELAXED_PROBE = emit.moduleBytes("probe", [], [], [...emit.V128_ZERO, ...emit.V128_ZERO, ...emit.V128_ZERO, ...emit.F32X4_RELAXED_MADD, ...emit.DROP]);

let relaxedSimd: boolean | null = null;

/**
 * True when this engine compiles relaxed SIMD, switching it on if needed. It is standard WebAssembly (phase 4)
 * and on by default from V8 11.4 (Node 22); Node 20's V8 11.3 has it complete behind
 * --experimental-wasm-relaxed-simd, a compile-time feature check that v8.setFlagsFromString turns on.
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxedSimd === null) {
    relaxedSimd = WebAssembly.validate(RELAXED_PROBE);
    if (!relaxedSimd) {
      v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
      relaxedSimd = WebAssembly.validate(RELAXED_PROBE);
    }
  }
  return relaxedSimd;
}

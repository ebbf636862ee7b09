// A register-tiled WebAssembly SIMD matrix product that runs in tfjs-backend-wasm's own memory.
//
// Why not XNNPACK (the stock kernel): XNNPACK packs its right-hand operand before every product with a tensor
// it has not seen, and in training the weights are a new tensor every step: 8-33 ns per float packed, as
// much as the product itself for the seed network's layers. This kernel reads B where it lies, so it needs
// no packing: C[m, n] = op(A)[m, k] · op(B)[k, n] (+ bias[n], then relu, when asked). Two tilings:
//
// - B stored [k, n] ("axpy"), A stored [m, k] or [k, m] (read through strides, never copied). C is cut into
//   tiles of 4 rows × 8 columns held in eight f32x4 accumulators. For each k, one 8-float row segment of B
//   is loaded once and multiplied by four broadcast elements of A. Columns go in panels of 8 (then 4, then
//   single columns), and all rows of a panel are done before the next, so the panel of B (k × 8 floats)
//   stays in the L1 cache while A streams from L2. Each output is a sum over k in order.
// - B stored [n, k] with A [m, k] ("dot", dX = dY·Wᵀ in training): tiles of 2 rows × 4 columns, each
//   output a dot product of two contiguous rows, four k at a time in an f32x4, lanes summed at the end.
//   It saves transposing the weights (a 512 × 512 copy took 1.7 ms, a third of the product).
// Both do one load per two multiply-adds. Transposed A with transposed B is left to the caller (it copies B).
//
// The strides and bounds except m are constants of the emitted code (one small module per layout, cached),
// which lets every load use a constant memory offset. Measured on these machines (Node 20, V8 11.3): 11-14
// GFLOP/s on the seed network's products with a multiply then an add per term, about XNNPACK's arithmetic
// without its packing; 16-18 GFLOP/s with relaxed SIMD's fused multiply-add (layout.fma), which rounds once
// per term instead of twice. Node 20's V8 has relaxed SIMD behind a flag: relaxedSimdAvailable() sets it.
import "server-only";
import v8 from "node:v8";
import * as emit from "./wasm-emit";

const { I32, V128, F32, get, set, i32, I32_ADD, I32_MUL, forLoop } = emit;

/** What a product module is specialised for. */
export interface GemmLayout {
  /** Columns of C and of B. */
  n: number;
  /** The shared dimension. */
  k: number;
  /** A is stored [k, m] (read transposed) rather than [m, k]. */
  transposeA: boolean;
  /** B is stored [n, k] (read transposed) rather than [k, n]; not with transposeA. */
  transposeB: boolean;
  /** Rows of C: only part of the layout when transposeA (it is then A's row stride); else null. */
  m: number | null;
  /** Adds a bias vector of n floats to every row. */
  bias: boolean;
  /** Applies max(x, 0) after the bias. */
  relu: boolean;
  /** Fused multiply-add (relaxed SIMD; check relaxedSimdAvailable() first) instead of a multiply and an add. */
  fma: boolean;
}

/** gemm(a, b, c, bias, m): byte offsets into the heap (bias ignored unless the layout has one), and the row count. */
export type GemmKernel = (a: number, b: number, c: number, bias: number, m: number) => void;

/** Rows and f32x4 column vectors per tile: 4 × 8 floats in 8 of the 16 SIMD registers. */
const TILE_ROWS = 4;
const TILE_VECTORS = 2;

// Parameters, then locals.
const [A, B, C, BIAS, M] = [0, 1, 2, 3, 4];
const [ROW, COL, ROWS_TILED, PA, PB, PB_END, PC, PBIAS] = [5, 6, 7, 8, 9, 10, 11, 12];
const SCALAR_ACC = 13;
const X = 14;
const B_VECTORS = [15, 16, 17, 18];
const ACC_BASE = 19; // TILE_ROWS × TILE_VECTORS accumulators (DOT_ROWS × DOT_COLS in the dot tiling)
/** Rows and columns per tile of the dot tiling, also in eight accumulators. */
const DOT_ROWS = 2;
const DOT_COLS = 4;

const LOCALS: Array<[number, number]> = [[8, I32], [1, F32], [1 + B_VECTORS.length + TILE_ROWS * TILE_VECTORS, V128]];

/** acc += x · y (f32x4), fused or as a multiply then an add. */
function multiplyAdd(fma: boolean, accumulator: number, x: number, y: number): number[] {
  return [
    ...(fma ? [...get(x), ...get(y), ...get(accumulator), ...emit.F32X4_RELAXED_MADD] : [...get(accumulator), ...get(x), ...get(y), ...emit.F32X4_MUL, ...emit.F32X4_ADD]),
    ...set(accumulator),
  ];
}

export function gemmModuleBytes(layout: GemmLayout): Uint8Array<ArrayBuffer> {
  if (layout.transposeA !== (layout.m !== null)) throw new Error("GemmLayout.m is given exactly when transposeA");
  if (layout.transposeA && layout.transposeB) throw new Error("GemmLayout: transposeA with transposeB is not supported (copy B first)");
  return emit.moduleBytes("gemm", [I32, I32, I32, I32, I32], LOCALS, layout.transposeB ? dotBody(layout) : axpyBody(layout));
}

/** The epilogue and store of one float on the stack (the sum) into C(ROW + r, COL + c). */
function storeElement(layout: GemmLayout, r: number, c: number): number[] {
  const code: number[] = [];
  if (layout.bias) code.push(...get(COL), ...i32(4), ...I32_MUL, ...get(BIAS), ...I32_ADD, ...emit.F32_LOAD(4 * c), ...emit.F32_ADD);
  if (layout.relu) code.push(...emit.F32_ZERO, ...emit.F32_MAX);
  code.push(...set(SCALAR_ACC));
  code.push(...get(ROW), ...i32(r), ...I32_ADD, ...i32(4 * layout.n), ...I32_MUL, ...get(C), ...I32_ADD, ...get(COL), ...i32(4), ...I32_MUL, ...I32_ADD);
  code.push(...get(SCALAR_ACC), ...emit.F32_STORE(4 * c));
  return code;
}

/** C = A[m, k] · B[n, k]ᵀ: dot products of contiguous rows, DOT_ROWS × DOT_COLS outputs at a time. */
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
        for (let lane = 0; lane < 4; lane++) {
          code.push(...get(acc(r, c)), ...emit.F32X4_EXTRACT_LANE(lane));
          if (lane > 0) code.push(...emit.F32_ADD);
        }
        for (let t = 0; t < k % 4; t++) {
          code.push(...get(PA), ...emit.F32_LOAD(r * row + 4 * t), ...get(PB), ...emit.F32_LOAD(c * row + 4 * t), ...emit.F32_MUL, ...emit.F32_ADD);
        }
        code.push(...storeElement(layout, r, c));
      }
    }
    return code;
  };
  const wide = n - (n % DOT_COLS);
  return [
    ...get(M), ...get(M), ...i32(DOT_ROWS), 0x70 /* i32.rem_u */, 0x6b /* i32.sub */, ...set(ROWS_TILED),
    ...i32(0), ...set(COL),
    ...forLoop(COL, i32(wide), DOT_COLS, [
      ...i32(0), ...set(ROW),
      ...forLoop(ROW, get(ROWS_TILED), DOT_ROWS, tile(DOT_ROWS, DOT_COLS)),
      ...forLoop(ROW, get(M), 1, tile(1, DOT_COLS)),
    ]),
    ...forLoop(COL, i32(n), 1, [...i32(0), ...set(ROW), ...forLoop(ROW, get(M), 1, tile(1, 1))]),
  ];
}

/** C = op(A) · B[k, n]: rows of B scaled by broadcast elements of A, TILE_ROWS × 4·TILE_VECTORS outputs at a time. */
function axpyBody(layout: GemmLayout): number[] {
  const { n, k } = layout;
  // Byte strides: A(i, kk) at a + i·rowA + kk·stepA; B(kk, j) at b + kk·rowB + 4j; C(i, j) at c + i·rowC + 4j.
  const rowA = layout.transposeA ? 4 : 4 * k;
  const stepA = layout.transposeA ? 4 * layout.m! : 4;
  const rowB = 4 * n;
  const rowC = 4 * n;
  const acc = (r: number, v: number) => ACC_BASE + r * TILE_VECTORS + v;

  /** C[ROW .. ROW+rows, COL .. COL+4·vectors] in registers, then stored with the epilogue. */
  const tile = (rows: number, vectors: number) => {
    const code: number[] = [];
    for (let r = 0; r < rows; r++) for (let v = 0; v < vectors; v++) code.push(...emit.V128_ZERO, ...set(acc(r, v)));
    code.push(...get(ROW), ...i32(rowA), ...I32_MUL, ...get(A), ...I32_ADD, ...set(PA));
    code.push(...get(COL), ...i32(4), ...I32_MUL, ...get(B), ...I32_ADD, ...set(PB));
    code.push(...get(PB), ...i32(k * rowB), ...I32_ADD, ...set(PB_END));
    const step: number[] = [];
    for (let v = 0; v < vectors; v++) step.push(...get(PB), ...emit.V128_LOAD(16 * v), ...set(B_VECTORS[v]!));
    for (let r = 0; r < rows; r++) {
      step.push(...get(PA), ...emit.V128_LOAD_SPLAT(r * rowA), ...set(X));
      for (let v = 0; v < vectors; v++) step.push(...multiplyAdd(layout.fma, acc(r, v), X, B_VECTORS[v]!));
    }
    step.push(...get(PA), ...i32(stepA), ...I32_ADD, ...set(PA));
    code.push(...forLoop(PB, get(PB_END), rowB, step));
    code.push(...get(COL), ...i32(4), ...I32_MUL, ...get(BIAS), ...I32_ADD, ...set(PBIAS));
    for (let r = 0; r < rows; r++) {
      code.push(...get(ROW), ...i32(r), ...I32_ADD, ...i32(rowC), ...I32_MUL, ...get(C), ...I32_ADD, ...get(COL), ...i32(4), ...I32_MUL, ...I32_ADD, ...set(PC));
      for (let v = 0; v < vectors; v++) {
        code.push(...get(PC), ...get(acc(r, v)));
        if (layout.bias) code.push(...get(PBIAS), ...emit.V128_LOAD(16 * v), ...emit.F32X4_ADD);
        if (layout.relu) code.push(...emit.V128_ZERO, ...emit.F32X4_MAX);
        code.push(...emit.V128_STORE(16 * v));
      }
    }
    return code;
  };

  /** The single element C[ROW, COL], for the last n % 4 columns. */
  const element = () => {
    const code: number[] = [...emit.F32_ZERO, ...set(SCALAR_ACC)];
    code.push(...get(ROW), ...i32(rowA), ...I32_MUL, ...get(A), ...I32_ADD, ...set(PA));
    code.push(...get(COL), ...i32(4), ...I32_MUL, ...get(B), ...I32_ADD, ...set(PB));
    code.push(...get(PB), ...i32(k * rowB), ...I32_ADD, ...set(PB_END));
    code.push(...forLoop(PB, get(PB_END), rowB, [
      ...get(SCALAR_ACC), ...get(PA), ...emit.F32_LOAD(), ...get(PB), ...emit.F32_LOAD(), ...emit.F32_MUL, ...emit.F32_ADD, ...set(SCALAR_ACC),
      ...get(PA), ...i32(stepA), ...I32_ADD, ...set(PA),
    ]));
    code.push(...get(ROW), ...i32(rowC), ...I32_MUL, ...get(C), ...I32_ADD, ...get(COL), ...i32(4), ...I32_MUL, ...I32_ADD, ...get(SCALAR_ACC));
    if (layout.bias) code.push(...get(COL), ...i32(4), ...I32_MUL, ...get(BIAS), ...I32_ADD, ...emit.F32_LOAD(), ...emit.F32_ADD);
    if (layout.relu) code.push(...emit.F32_ZERO, ...emit.F32_MAX);
    code.push(...emit.F32_STORE());
    return code;
  };

  const wide = 4 * TILE_VECTORS;
  const panels = (vectors: number) => [
    ...i32(0), ...set(ROW),
    ...forLoop(ROW, get(ROWS_TILED), TILE_ROWS, tile(TILE_ROWS, vectors)),
    ...forLoop(ROW, get(M), 1, tile(1, vectors)),
  ];
  return [
    ...get(M), ...get(M), ...i32(TILE_ROWS), 0x70 /* i32.rem_u */, 0x6b /* i32.sub */, ...set(ROWS_TILED),
    ...i32(0), ...set(COL),
    ...forLoop(COL, i32(n - (n % wide)), wide, panels(TILE_VECTORS)),
    ...forLoop(COL, i32(n - (n % 4)), 4, panels(1)),
    ...forLoop(COL, i32(n), 1, [...i32(0), ...set(ROW), ...forLoop(ROW, get(M), 1, element())]),
  ];
}

/** Modules compiled per memory and layout. A training run uses about ten layouts; the cap bounds odd workloads. */
const MAX_CACHED_LAYOUTS = 64;
const kernels = new WeakMap<WebAssembly.Memory, Map<string, GemmKernel>>();

/** The product function for `layout`, bound to `memory` (compiled on first use, ~2-8 ms). */
export function gemmKernelFor(memory: WebAssembly.Memory, layout: GemmLayout): GemmKernel {
  let byLayout = kernels.get(memory);
  if (!byLayout) kernels.set(memory, (byLayout = new Map()));
  const key = `${layout.n},${layout.k},${layout.transposeA ? layout.m : "-"},${layout.transposeB ? "T" : "N"},${layout.bias ? 1 : 0}${layout.relu ? 1 : 0}${layout.fma ? 1 : 0}`;
  let kernel = byLayout.get(key);
  if (kernel) {
    // Most recently used last, so that the oldest entry is the one dropped.
    byLayout.delete(key);
  } else {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(gemmModuleBytes(layout)), { env: { memory } });
    kernel = instance.exports.gemm as GemmKernel;
    if (byLayout.size >= MAX_CACHED_LAYOUTS) byLayout.delete(byLayout.keys().next().value!);
  }
  byLayout.set(key, kernel);
  return kernel;
}

/** A module whose one function returns f32x4.relaxed_madd(0, 0, 0): it validates where relaxed SIMD is on. */
const RELAXED_PROBE = emit.moduleBytes("probe", [], [], [...emit.V128_ZERO, ...emit.V128_ZERO, ...emit.V128_ZERO, ...emit.F32X4_RELAXED_MADD, 0x1a /* drop */]);

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

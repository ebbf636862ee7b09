// A register-tiled WebAssembly SIMD matrix product that runs in tfjs-backend-wasm's own memory.
//
// Why not XNNPACK (the stock kernel): XNNPACK packs its right-hand operand before every product with a tensor
// it has not seen, and in training the weights are a new tensor every step: 8-33 ns per float packed, as
// much as the product itself for the seed network's layers. This kernel reads B where it lies, so it needs
// no packing: C[m, n] = op(A)[m, k] · B[k, n] (+ bias[n], then relu, when asked), with B row-major and A
// either row-major [m, k] or transposed [k, m] (read through strides, never copied). A transposed B is
// copied contiguous by the caller (fast-matmul-kernels.ts).
//
// Shape of the work: C is cut into tiles of 4 rows × 8 columns held in eight f32x4 accumulators. For each
// k, one 8-float row segment of B is loaded once and multiplied by four broadcast elements of A. Columns
// go in panels of 8 (then 4, then single columns), and all rows of a panel are done before the next, so
// the panel of B (k × 8 floats) stays in the L1 cache while A streams from L2. Each output element is a
// plain sum over k in order (one mul and one add per term, each rounded to float32), like the cpu
// backend's loop, so results differ from it only where its loop blocks or reorders the sum.
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
const B_VECTORS = [15, 16];
const ACC_BASE = 17; // TILE_ROWS × TILE_VECTORS accumulators

export function gemmModuleBytes(layout: GemmLayout): Uint8Array<ArrayBuffer> {
  const { n, k } = layout;
  if (layout.transposeA !== (layout.m !== null)) throw new Error("GemmLayout.m is given exactly when transposeA");
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
      for (let v = 0; v < vectors; v++) {
        step.push(
          ...(layout.fma
            ? [...get(X), ...get(B_VECTORS[v]!), ...get(acc(r, v)), ...emit.F32X4_RELAXED_MADD]
            : [...get(acc(r, v)), ...get(X), ...get(B_VECTORS[v]!), ...emit.F32X4_MUL, ...emit.F32X4_ADD]),
          ...set(acc(r, v)),
        );
      }
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
  const body = [
    ...get(M), ...get(M), ...i32(TILE_ROWS), 0x70 /* i32.rem_u */, 0x6b /* i32.sub */, ...set(ROWS_TILED),
    ...i32(0), ...set(COL),
    ...forLoop(COL, i32(n - (n % wide)), wide, panels(TILE_VECTORS)),
    ...forLoop(COL, i32(n - (n % 4)), 4, panels(1)),
    ...forLoop(COL, i32(n), 1, [...i32(0), ...set(ROW), ...forLoop(ROW, get(M), 1, element())]),
  ];
  const locals: Array<[number, number]> = [[8, I32], [1, F32], [1 + B_VECTORS.length + TILE_ROWS * TILE_VECTORS, V128]];
  return emit.moduleBytes("gemm", [I32, I32, I32, I32, I32], locals, body);
}

/** Modules compiled per memory and layout. A training run uses about ten layouts; the cap bounds odd workloads. */
const MAX_CACHED_LAYOUTS = 64;
const kernels = new WeakMap<WebAssembly.Memory, Map<string, GemmKernel>>();

/** The product function for `layout`, bound to `memory` (compiled on first use, ~2-8 ms). */
export function gemmKernelFor(memory: WebAssembly.Memory, layout: GemmLayout): GemmKernel {
  let byLayout = kernels.get(memory);
  if (!byLayout) kernels.set(memory, (byLayout = new Map()));
  const key = `${layout.n},${layout.k},${layout.transposeA ? layout.m : "-"},${layout.bias ? 1 : 0}${layout.relu ? 1 : 0}${layout.fma ? 1 : 0}`;
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

// A WebAssembly SIMD kernel for a tile of squared distances in the dot-product form, emitted as bytes from here.
//
// Why emit bytes: there is no wasm toolchain on the machine, and lib/numeric may not import lib/model's emitter;
// the few opcodes this one kernel needs fit on a page. Why wasm: V8's scalar float64 code reaches ~1 multiply-add
// per ns, the f64x2 code below ~4–5, and the quality figures of 10,000 × 512 rows need 5·10¹⁰ of them.

import {
  F32X4_ADD,
  F32X4_EXTRACT,
  F32X4_MUL,
  F64_ADD,
  F64_LOAD,
  F64_PROMOTE_F32,
  F64_STORE,
  F64_SUB,
  F64X2_ADD,
  F64X2_EXTRACT,
  F64X2_MUL,
  forLoop,
  get,
  I32,
  i32,
  I32_ADD,
  I32_MUL,
  moduleBytes,
  set,
  V128,
  V128_LOAD,
  V128_ZERO,
} from "./wasm-emit";

/** The element type of a tile's rows and of its lane sums. */
export type TilePrecision = "float32" | "float64";

/**
 * Code that pushes the dot product held in accumulator `acc` as one float64: float64 lanes 0 + 1, or float32 lanes
 * promoted and added as (0 + 1) + (2 + 3).
 */
function laneTotal(precision: TilePrecision, acc: number): number[] {
  if (precision === "float64") return [...get(acc), ...F64X2_EXTRACT(0), ...get(acc), ...F64X2_EXTRACT(1), ...F64_ADD];
  const lane = (l: number) => [...get(acc), ...F32X4_EXTRACT(l), ...F64_PROMOTE_F32];
  return [...lane(0), ...lane(1), ...F64_ADD, ...lane(2), ...lane(3), ...F64_ADD, ...F64_ADD];
}

/** Rows of A and of B per tile: 4 × 2 accumulators, two B vectors and one A vector in 11 SIMD registers. */
export const TILE_A = 4;
export const TILE_B = 2;

/**
 * tile(a, b, normA, normB, out, na, nb, rowBytes, outStrideBytes), all byte offsets or counts (i32):
 * out[r, s] = (normA[r] + normB[s]) − 2 · Σ_c a[r, c] · b[s, c] in float64, for r < na, s < nb, with a [na, cols]
 * and b [nb, cols] row-major in `precision` (cols a multiple of the lanes: 2 for float64, 4 for float32; rowBytes
 * the bytes of a row), na a multiple of TILE_A, nb of TILE_B, normA and normB float64.
 * Each dot product keeps one sum per lane (lane l over columns ≡ l mod lanes), each added in column order in the
 * rows' precision (a multiply, then an add: no fused rounding), then adds the lanes in float64 (laneTotal): a fixed
 * order that depends only on the two rows, which norms computed the same way (distance-panel.ts) reproduce bit for
 * bit.
 */
export function tileModuleBytes(precision: TilePrecision): Uint8Array<ArrayBuffer> {
  const [MUL, ADD] = precision === "float64" ? [F64X2_MUL, F64X2_ADD] : [F32X4_MUL, F32X4_ADD];
  const [A, B, NA_PTR, NB_PTR, OUT, NA, NB, ROW, STRIDE] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [R, S, C, PA, PB] = [9, 10, 11, 12, 13];
  const PA_ROW = (i: number) => 14 + i; // A row i's address of the tile
  const PB_ROW = (j: number) => 14 + TILE_A + j;
  const i32Locals = 5 + TILE_A + TILE_B;
  const vBase = 9 + i32Locals;
  const ACC = (i: number, j: number) => vBase + i * TILE_B + j;
  const BV = (j: number) => vBase + TILE_A * TILE_B + j;
  const AV = vBase + TILE_A * TILE_B + TILE_B;
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < TILE_A; i++) for (let j = 0; j < TILE_B; j++) pairs.push([i, j]);

  const columnStep = [
    ...Array.from({ length: TILE_B }, (_, j) => [
      ...get(PB_ROW(j)),
      ...get(C),
      ...I32_ADD,
      ...V128_LOAD,
      ...set(BV(j)),
    ]),
    ...Array.from({ length: TILE_A }, (_, i) => [
      ...get(PA_ROW(i)),
      ...get(C),
      ...I32_ADD,
      ...V128_LOAD,
      ...set(AV),
      ...Array.from({ length: TILE_B }, (_, j) => [
        ...get(ACC(i, j)),
        ...get(AV),
        ...get(BV(j)),
        ...MUL,
        ...ADD,
        ...set(ACC(i, j)),
      ]).flat(),
    ]),
  ].flat();

  const body = forLoop(R, get(NA), i32(TILE_A), [
    ...get(A),
    ...get(R),
    ...get(ROW),
    ...I32_MUL,
    ...I32_ADD,
    ...set(PA),
    ...Array.from({ length: TILE_A }, (_, i) => [
      ...get(PA),
      ...i32(i),
      ...get(ROW),
      ...I32_MUL,
      ...I32_ADD,
      ...set(PA_ROW(i)),
    ]).flat(),
    ...i32(0),
    ...set(S),
    ...forLoop(S, get(NB), i32(TILE_B), [
      ...get(B),
      ...get(S),
      ...get(ROW),
      ...I32_MUL,
      ...I32_ADD,
      ...set(PB),
      ...Array.from({ length: TILE_B }, (_, j) => [
        ...get(PB),
        ...i32(j),
        ...get(ROW),
        ...I32_MUL,
        ...I32_ADD,
        ...set(PB_ROW(j)),
      ]).flat(),
      ...pairs.flatMap(([i, j]) => [...V128_ZERO, ...set(ACC(i, j))]),
      ...i32(0),
      ...set(C),
      ...forLoop(C, get(ROW), i32(16), columnStep),
      ...pairs.flatMap(([i, j]) => storeDistance(i, j)),
    ]),
  ]);

  function storeDistance(i: number, j: number): number[] {
    return [
      // address of out[(r + i), (s + j)]
      ...get(OUT),
      ...get(R),
      ...i32(i),
      ...I32_ADD,
      ...get(STRIDE),
      ...I32_MUL,
      ...I32_ADD,
      ...get(S),
      ...i32(j),
      ...I32_ADD,
      ...i32(8),
      ...I32_MUL,
      ...I32_ADD,
      // (normA[r + i] + normB[s + j]) − (dot + dot)
      ...get(NA_PTR),
      ...get(R),
      ...i32(i),
      ...I32_ADD,
      ...i32(8),
      ...I32_MUL,
      ...I32_ADD,
      ...F64_LOAD,
      ...get(NB_PTR),
      ...get(S),
      ...i32(j),
      ...I32_ADD,
      ...i32(8),
      ...I32_MUL,
      ...I32_ADD,
      ...F64_LOAD,
      ...F64_ADD,
      ...laneTotal(precision, ACC(i, j)),
      ...laneTotal(precision, ACC(i, j)),
      ...F64_ADD,
      ...F64_SUB,
      ...F64_STORE,
    ];
  }

  const params = Array<number>(9).fill(I32);
  const locals: Array<[number, number]> = [
    [i32Locals, I32],
    [TILE_A * TILE_B + TILE_B + 1, V128],
  ];
  return moduleBytes("tile", params, locals, body);
}

export type TileKernel = (
  a: number,
  b: number,
  normA: number,
  normB: number,
  out: number,
  na: number,
  nb: number,
  rowBytes: number,
  outStrideBytes: number,
) => void;

// The attractive t-SNE force loop as a WebAssembly kernel on a shared memory (float64, a point's x and y in one
// vector), emitted as bytes: in V8's scalar code this sparse loop was a third of a 10,000-point t-SNE's time.
import {
  F64_ADD,
  F64_CONST,
  F64_DIV,
  F64_LOAD,
  F64X2_EXTRACT,
  F64X2_MUL,
  F64X2_SPLAT,
  F64X2_SUB,
  F64X2_ADD,
  F64X2_DIV,
  forLoop,
  get,
  I8X16_SHUFFLE,
  loopUntil,
  I32,
  i32,
  I32_ADD,
  I32_GE_U,
  I32_LOAD,
  I32_SHL,
  moduleBytes,
  set,
  simd,
  V128,
  V128_LOAD,
  V128_STORE,
  V128_ZERO,
} from "../wasm-emit";

/**
 * attract(rowStart, cols, values, y, out, first, end), byte offsets into the shared memory and rows (i32): for rows
 * i in [first, end), out[i] = Σ_s values[s] · w · (y[i] − y[cols[s]]) over s in [rowStart[i], rowStart[i + 1]), with
 * w = 1 / ((1 + dx²) + dy²): the operations and their order of the scalar loop it replaces, so the same bits.
 * rowStart and cols int32, values float64, y and out [n, 2] float64 (16-byte aligned rows).
 */
/** v128.load with an 8-byte alignment hint (two float64 values). */
const V128_LOAD_8 = simd(0x00, 3, 0);

export function attractionModuleBytes(): Uint8Array<ArrayBuffer> {
  const [RS, COLS, VALS, Y, OUT, FIRST, END] = [0, 1, 2, 3, 4, 5, 6];
  const [I, S, E] = [7, 8, 9];
  const [P, ACC, D, SQ, D2, SQ2, PW] = [10, 11, 12, 13, 14, 15, 16];
  const lane = (l: number) => Array.from({ length: 8 }, (_, b) => 8 * l + b);
  const address = (base: number, index: number, shift: number) => [
    ...get(base),
    ...get(index),
    ...i32(shift),
    ...I32_SHL,
    ...I32_ADD,
  ];
  /** D = P − y[cols[s + offset]]; then SQ = D · D, lane-wise. */
  const difference = (offset: number, d: number, sq: number) => [
    ...get(P),
    ...get(Y),
    ...address(COLS, S, 2),
    ...[0x28, 2, 4 * offset], // i32.load offset 4·offset: cols[s + offset]
    ...i32(4),
    ...I32_SHL,
    ...I32_ADD,
    ...V128_LOAD,
    ...F64X2_SUB,
    ...set(d),
    ...get(d),
    ...get(d),
    ...F64X2_MUL,
    ...set(sq),
  ];
  const body = [
    ...get(FIRST),
    ...set(I),
    ...forLoop(I, get(END), i32(1), [
      ...address(Y, I, 4),
      ...V128_LOAD,
      ...set(P),
      ...V128_ZERO,
      ...set(ACC),
      ...address(RS, I, 2),
      ...I32_LOAD,
      ...set(S),
      ...address(RS, I, 2),
      ...[0x28, 2, 4], // i32.load offset 4: rowStart[i + 1]
      ...set(E),
      // Two entries at a time share one f64x2 division; the sums still add entry by entry, in order.
      ...loopUntil(
        [...get(S), ...i32(1), ...I32_ADD, ...get(E), ...I32_GE_U],
        [
          ...difference(0, D, SQ),
          ...difference(1, D2, SQ2),
          // (values[s], values[s + 1]) / ((1 + (dx², dx2²)) + (dy², dy2²))
          ...address(VALS, S, 3),
          ...V128_LOAD_8,
          ...F64_CONST(1),
          ...F64X2_SPLAT,
          ...get(SQ),
          ...get(SQ2),
          ...I8X16_SHUFFLE([...lane(0), ...lane(2)]),
          ...F64X2_ADD,
          ...get(SQ),
          ...get(SQ2),
          ...I8X16_SHUFFLE([...lane(1), ...lane(3)]),
          ...F64X2_ADD,
          ...F64X2_DIV,
          ...set(PW),
          ...get(ACC),
          ...get(PW),
          ...F64X2_EXTRACT(0),
          ...F64X2_SPLAT,
          ...get(D),
          ...F64X2_MUL,
          ...F64X2_ADD,
          ...get(PW),
          ...F64X2_EXTRACT(1),
          ...F64X2_SPLAT,
          ...get(D2),
          ...F64X2_MUL,
          ...F64X2_ADD,
          ...set(ACC),
          ...get(S),
          ...i32(2),
          ...I32_ADD,
          ...set(S),
        ],
      ),
      // The odd last entry, if any.
      ...forLoop(S, get(E), i32(1), [
        ...difference(0, D, SQ),
        ...get(ACC),
        ...address(VALS, S, 3),
        ...F64_LOAD,
        ...F64_CONST(1),
        ...get(SQ),
        ...F64X2_EXTRACT(0),
        ...F64_ADD,
        ...get(SQ),
        ...F64X2_EXTRACT(1),
        ...F64_ADD,
        ...F64_DIV,
        ...F64X2_SPLAT,
        ...get(D),
        ...F64X2_MUL,
        ...F64X2_ADD,
        ...set(ACC),
      ]),
      ...address(OUT, I, 4),
      ...get(ACC),
      ...V128_STORE,
    ]),
  ];
  return moduleBytes(
    "attract",
    Array<number>(7).fill(I32),
    [
      [3, I32],
      [7, V128],
    ],
    body,
    true,
  );
}

export type AttractKernel = (
  rowStart: number,
  cols: number,
  values: number,
  y: number,
  out: number,
  first: number,
  end: number,
) => void;

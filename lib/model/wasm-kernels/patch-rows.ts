// The two WebAssembly loops under im2col.ts's patch copies: rows of bytes gathered from, or added back to, the
// places an offset table names, in tfjs-backend-wasm's heap.
//
// Why not JavaScript: a typed-array loop moved ~2-6 ns per float here (12 ms to copy a second-layer batch's
// 4.5 million patch floats); memory.copy moves a row of 384 bytes in a few tens of ns, and the adds run on f32x4.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as emit from "./wasm-emit";

const { I32, get, set, i32, I32_ADD, forLoop } = emit;

/**
 * gatherRows(table, count, src, dst, rowBytes): for each of `count` int32 offsets at `table`, copies rowBytes from
 * src + offset to the next row of dst, or zeros when the offset is negative. Byte offsets into the heap.
 */
export type GatherRowsKernel = (table: number, count: number, src: number, dst: number, rowBytes: number) => void;

/**
 * addRows(table, count, src, dst, rowBytes): for each of `count` int32 offsets at `table`, adds the next row of src
 * (rowBytes, a multiple of 4, as float32) to dst + offset, skipping negative offsets.
 */
export type AddRowsKernel = (table: number, count: number, src: number, dst: number, rowBytes: number) => void;

const [TABLE, COUNT, SRC, DST, ROW] = [0, 1, 2, 3, 4];
const [ENTRY, END, OFFSET, P, Q, Q_END, Q_VECTORS] = [5, 6, 7, 8, 9, 10, 11];

function gatherRowsModule(): Uint8Array<ArrayBuffer> {
  const body = [
    ...get(TABLE), ...get(COUNT), ...i32(4), ...emit.I32_MUL, ...I32_ADD, ...set(END),
    ...get(TABLE), ...set(ENTRY),
    ...forLoop(ENTRY, get(END), 4, [
      ...get(ENTRY), ...emit.I32_LOAD(), ...set(OFFSET),
      ...emit.ifElse([...get(OFFSET), ...i32(0), ...emit.I32_LT_S],
        [...get(DST), ...i32(0), ...get(ROW), ...emit.MEMORY_FILL],
        [...get(DST), ...get(SRC), ...get(OFFSET), ...I32_ADD, ...get(ROW), ...emit.MEMORY_COPY]),
      ...get(DST), ...get(ROW), ...I32_ADD, ...set(DST),
    ]),
  ];
  return emit.moduleBytes("gatherRows", [I32, I32, I32, I32, I32], [[7, I32]], body);
}

function addRowsModule(): Uint8Array<ArrayBuffer> {
  const add = [
    // P walks dst + offset, Q the source row: f32x4 while 16 bytes remain, then single floats.
    ...get(DST), ...get(OFFSET), ...I32_ADD, ...set(P),
    ...get(SRC), ...get(ROW), ...I32_ADD, ...set(Q_END),
    ...get(SRC), ...get(ROW), ...i32(-16), ...emit.I32_AND, ...I32_ADD, ...set(Q_VECTORS),
    ...get(SRC), ...set(Q),
    ...forLoop(Q, get(Q_VECTORS), 16, [
      ...get(P), ...get(P), ...emit.V128_LOAD(), ...get(Q), ...emit.V128_LOAD(), ...emit.F32X4_ADD, ...emit.V128_STORE(),
      ...get(P), ...i32(16), ...I32_ADD, ...set(P),
    ]),
    ...forLoop(Q, get(Q_END), 4, [
      ...get(P), ...get(P), ...emit.F32_LOAD(), ...get(Q), ...emit.F32_LOAD(), ...emit.F32_ADD, ...emit.F32_STORE(),
      ...get(P), ...i32(4), ...I32_ADD, ...set(P),
    ]),
  ];
  const body = [
    ...get(TABLE), ...get(COUNT), ...i32(4), ...emit.I32_MUL, ...I32_ADD, ...set(END),
    ...get(TABLE), ...set(ENTRY),
    ...forLoop(ENTRY, get(END), 4, [
      ...get(ENTRY), ...emit.I32_LOAD(), ...set(OFFSET),
      ...emit.ifElse([...get(OFFSET), ...i32(0), ...emit.I32_LT_S], [], add),
      ...get(SRC), ...get(ROW), ...I32_ADD, ...set(SRC),
    ]),
  ];
  return emit.moduleBytes("addRows", [I32, I32, I32, I32, I32], [[7, I32]], body);
}

/** The gather function bound to a memory (compiled once per memory). */
export const gatherRowsKernelFor = emit.kernelPerMemory<GatherRowsKernel>(gatherRowsModule, "gatherRows");

/** The add-back function bound to a memory (compiled once per memory). */
export const addRowsKernelFor = emit.kernelPerMemory<AddRowsKernel>(addRowsModule, "addRows");

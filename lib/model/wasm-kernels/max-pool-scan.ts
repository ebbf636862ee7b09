// The WebAssembly loop under max-pool-grad.ts: every window's maximum found once, per channel (four at a time on
// f32x4 while at least four remain), and dy added there.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as emit from "./wasm-emit";

/**
 * poolGrad(table, windows, windowSize, x, dy, dx, channels): for each window (windowSize int32 offsets at table)
 * and channel, dx at the first largest x of the window += dy. dx zeroed by the caller. Byte offsets into the heap.
 */
export type PoolGradKernel = (table: number, windows: number, windowSize: number, x: number, dy: number, dx: number, channels: number) => void;

const { I32, F32, V128, get, set, i32, I32_ADD, I32_MUL, forLoop } = emit;
const [TABLE, WINDOWS, SIZE, X, DY, DX, CHANNELS] = [0, 1, 2, 3, 4, 5, 6];
const [ENTRY, DY_END, CHANNEL, CHANNEL_END, E, E_END, OFFSET, AT] = [7, 8, 9, 10, 11, 12, 13, 14];
const CHANNEL_VECTORS_END = 15;
const [BEST, VALUE] = [16, 17];
const [BEST_V, VALUE_V, AT_V, MASK] = [18, 19, 20, 21];
const F32_MINUS_INFINITY = [0x43, 0x00, 0x00, 0x80, 0xff];
const F32_GT = [0x5e];

function poolGradModule(): Uint8Array<ArrayBuffer> {
  const visit = [
    ...get(X), ...get(OFFSET), ...I32_ADD, ...get(CHANNEL), ...I32_ADD, ...emit.F32_LOAD(), ...set(VALUE),
    ...emit.ifElse([...get(VALUE), ...get(BEST), ...F32_GT],
      [...get(VALUE), ...set(BEST), ...get(OFFSET), ...get(CHANNEL), ...I32_ADD, ...set(AT)], []),
  ];
  const channel = [
    ...F32_MINUS_INFINITY, ...set(BEST), ...i32(-1), ...set(AT),
    ...get(ENTRY), ...set(E),
    ...forLoop(E, get(E_END), 4, [
      ...get(E), ...emit.I32_LOAD(), ...set(OFFSET),
      ...emit.ifElse([...get(OFFSET), ...i32(0), ...emit.I32_LT_S], [], visit),
    ]),
    // dx[AT] += dy[window, channel]
    ...emit.ifElse([...get(AT), ...i32(0), ...emit.I32_LT_S], [], [
      ...get(DX), ...get(AT), ...I32_ADD,
      ...get(DX), ...get(AT), ...I32_ADD, ...emit.F32_LOAD(), ...get(DY), ...get(CHANNEL), ...I32_ADD, ...emit.F32_LOAD(), ...emit.F32_ADD,
      ...emit.F32_STORE(),
    ]),
  ];
  // Four channels at a time: lane-wise the same scan, the positions kept as byte offsets in AT_V.
  const vectorVisit = [
    ...get(X), ...get(OFFSET), ...I32_ADD, ...get(CHANNEL), ...I32_ADD, ...emit.V128_LOAD(), ...set(VALUE_V),
    ...get(VALUE_V), ...get(BEST_V), ...emit.F32X4_GT, ...set(MASK),
    ...get(VALUE_V), ...get(BEST_V), ...get(MASK), ...emit.V128_BITSELECT, ...set(BEST_V),
    ...get(OFFSET), ...get(CHANNEL), ...I32_ADD, ...emit.I32X4_SPLAT, ...emit.V128_I32X4([0, 4, 8, 12]), ...emit.I32X4_ADD,
    ...get(AT_V), ...get(MASK), ...emit.V128_BITSELECT, ...set(AT_V),
  ];
  const vectorChannels = [
    ...F32_MINUS_INFINITY, ...emit.F32X4_SPLAT, ...set(BEST_V), ...i32(-1), ...emit.I32X4_SPLAT, ...set(AT_V),
    ...get(ENTRY), ...set(E),
    ...forLoop(E, get(E_END), 4, [
      ...get(E), ...emit.I32_LOAD(), ...set(OFFSET),
      ...emit.ifElse([...get(OFFSET), ...i32(0), ...emit.I32_LT_S], [], vectorVisit),
    ]),
    ...[0, 1, 2, 3].flatMap((lane) => [
      ...get(AT_V), ...emit.I32X4_EXTRACT_LANE(lane), ...set(AT),
      ...emit.ifElse([...get(AT), ...i32(0), ...emit.I32_LT_S], [], [
        ...get(DX), ...get(AT), ...I32_ADD,
        ...get(DX), ...get(AT), ...I32_ADD, ...emit.F32_LOAD(), ...get(DY), ...get(CHANNEL), ...I32_ADD, ...emit.F32_LOAD(4 * lane), ...emit.F32_ADD,
        ...emit.F32_STORE(),
      ]),
    ]),
  ];
  const body = [
    ...get(CHANNELS), ...i32(4), ...I32_MUL, ...set(CHANNEL_END),
    ...get(CHANNEL_END), ...i32(-16), ...emit.I32_AND, ...set(CHANNEL_VECTORS_END),
    ...get(DY), ...get(WINDOWS), ...get(CHANNEL_END), ...I32_MUL, ...I32_ADD, ...set(DY_END),
    ...get(TABLE), ...set(ENTRY),
    ...forLoop(DY, get(DY_END), get(CHANNEL_END), [
      ...get(ENTRY), ...get(SIZE), ...i32(4), ...I32_MUL, ...I32_ADD, ...set(E_END),
      ...i32(0), ...set(CHANNEL),
      ...forLoop(CHANNEL, get(CHANNEL_VECTORS_END), 16, vectorChannels),
      ...forLoop(CHANNEL, get(CHANNEL_END), 4, channel),
      ...get(E_END), ...set(ENTRY),
    ]),
  ];
  return emit.moduleBytes("poolGrad", [I32, I32, I32, I32, I32, I32, I32], [[9, I32], [2, F32], [4, V128]], body);
}

/** The max-pool gradient function bound to a memory (compiled once per memory). */
export const poolGradKernelFor = emit.kernelPerMemory<PoolGradKernel>(poolGradModule, "poolGrad");


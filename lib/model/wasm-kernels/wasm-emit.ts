// The WebAssembly opcodes the package's kernels are written in (gemm.ts, transpose.ts, sum.ts, rmsprop-update.ts),
// as byte arrays (lib/numeric/wasm-emit.ts holds the encodings both layers share).
//
// Why emit bytes: there is no wasm toolchain here (no clang, no wabt), and a few hundred bytes of opcodes
// written from TypeScript keep the kernels readable and reviewable, with nothing binary in the repository.
// Each kernel is one exported function that imports tfjs-backend-wasm's Memory as env.memory.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";

// LEB128 and the value types are the numeric layer's (lib/numeric/wasm-emit.ts, which its own kernels use).
import { leb, sleb } from "../../numeric/wasm-emit";
export { I32, leb, sleb, V128 } from "../../numeric/wasm-emit";
export const F32 = 0x7d;

const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const utf8Name = (text: string) => [...leb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

export const get = (local: number) => [0x20, ...leb(local)];
export const set = (local: number) => [0x21, ...leb(local)];
export const i32 = (value: number) => [0x41, ...sleb(value)];
export const I32_ADD = [0x6a];
export const I32_SUB = [0x6b];
export const I32_MUL = [0x6c];
export const I32_REM_U = [0x70];
export const I32_AND = [0x71];
export const I32_SHL = [0x74];
export const I32_GE_U = [0x4f];
export const I32_LT_S = [0x48];
export const I32_LOAD = (offset = 0) => [0x28, 2, ...leb(offset)];
/** memory.copy(dst, src, bytes) and memory.fill(dst, byte, bytes), bulk memory (standard, on in Node 20). */
export const MEMORY_COPY = [0xfc, ...leb(10), 0, 0];
export const MEMORY_FILL = [0xfc, ...leb(11), 0];
/** if (condition) { then } else { otherwise }: `condition` is code that pushes an i32. */
export const ifElse = (condition: number[], then: number[], otherwise: number[]) => [...condition, 0x04, 0x40, ...then, 0x05, ...otherwise, 0x0b];
/** Pops and discards the top of the stack. */
export const DROP = [0x1a];
export const F32_LOAD = (offset = 0) => [0x2a, 2, ...leb(offset)];
export const F32_STORE = (offset = 0) => [0x38, 2, ...leb(offset)];
export const [F32_SQRT, F32_ADD, F32_SUB, F32_MUL, F32_DIV, F32_MAX] = [[0x91], [0x92], [0x93], [0x94], [0x95], [0x97]];
/** f32.const 0 */
export const F32_ZERO = [0x43, 0, 0, 0, 0];

const simd = (op: number, ...immediates: number[]) => [0xfd, ...leb(op), ...immediates];
export const V128_LOAD = (offset = 0) => simd(0x00, 4, ...leb(offset));
export const V128_STORE = (offset = 0) => simd(0x0b, 4, ...leb(offset));
export const V128_ZERO = simd(0x0c, ...Array<number>(16).fill(0));
export const F32X4_SPLAT = simd(0x13);
export const I32X4_SPLAT = simd(0x11);
export const I32X4_ADD = simd(0xae);
export const I32X4_EXTRACT_LANE = (lane: number) => simd(0x1b, lane);
/** f32x4.gt: all ones in the lanes where the first operand is greater. */
export const F32X4_GT = simd(0x44);
/** v128.bitselect(a, b, mask): the bits of a where mask is 1, of b elsewhere. */
export const V128_BITSELECT = simd(0x52);
/** v128.const of four i32 lanes. */
export const V128_I32X4 = (lanes: number[]) => simd(0x0c, ...lanes.flatMap((v) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]));
/** i8x16.shuffle: byte lanes 0-15 from the first operand, 16-31 from the second. */
export const I8X16_SHUFFLE = (lanes: number[]) => simd(0x0d, ...lanes);
export const F32X4_EXTRACT_LANE = (lane: number) => simd(0x1f, lane);
export const [F32X4_SQRT, F32X4_ADD, F32X4_SUB, F32X4_MUL, F32X4_DIV] = [
  simd(0xe3), simd(0xe4), simd(0xe5), simd(0xe6), simd(0xe7),
];

/**
 * Relaxed SIMD's f32x4.relaxed_madd (a·b + c): one fused multiply-add where the CPU has FMA (x64 FMA3, as here),
 * else a multiply then an add. Only valid where the engine enables relaxed SIMD (see gemm.ts).
 */
export const F32X4_RELAXED_MADD = simd(0x105);

/**
 * for (; local < end; local += step) { body }: `end` is code that pushes an i32 (compared unsigned), `step` a
 * constant or code that pushes the increment.
 */
export function forLoop(local: number, end: number[], step: number | number[], body: number[]): number[] {
  return [
    0x02, 0x40, 0x03, 0x40,
    ...get(local), ...end, ...I32_GE_U, 0x0d, 1, // br_if out of the block when local >= end
    ...body,
    ...get(local), ...(typeof step === "number" ? i32(step) : step), ...I32_ADD, ...set(local),
    0x0c, 0, 0x0b, 0x0b,
  ];
}

/**
 * A module importing env.memory and exporting one function `exportName` with i32/f32 `params` (value type
 * bytes), no result, locals declared as [count, type] runs, and `body` (without its final `end`).
 */
export function moduleBytes(exportName: string, params: number[], locals: Array<[number, number]>, body: number[]): Uint8Array<ArrayBuffer> {
  const code = [...vec(locals.map(([count, type]) => [...leb(count), type])), ...body, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(params.map((type) => [type])), 0]])),
    ...section(2, vec([[...utf8Name("env"), ...utf8Name("memory"), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...utf8Name(exportName), 0x00, 0]])),
    ...section(10, vec([[...leb(code.length), ...code]])),
  ]);
}

/** Instantiates `bytes` (a moduleBytes module) against `memory` and returns its one exported function. */
export function instantiate<K>(bytes: Uint8Array<ArrayBuffer>, exportName: string, memory: WebAssembly.Memory): K {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports[exportName] as K;
}

/**
 * A kernel compiled once per memory: `build` emits the module (on first use), whose function `exportName`
 * the returned getter binds to a memory.
 */
export function kernelPerMemory<K>(build: () => Uint8Array<ArrayBuffer>, exportName: string): (memory: WebAssembly.Memory) => K {
  const kernels = new WeakMap<WebAssembly.Memory, K>();
  return (memory) => {
    let kernel = kernels.get(memory);
    if (kernel === undefined) {
      kernel = instantiate<K>(build(), exportName, memory);
      kernels.set(memory, kernel);
    }
    return kernel;
  };
}

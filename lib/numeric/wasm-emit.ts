// The few WebAssembly encodings our hand-emitted SIMD kernels share (no wasm toolchain on the machine): LEB128
// integers, sections, locals, constants and a counted loop.

export const I32 = 0x7f;
export const V128 = 0x7b;

export function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

export const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
export const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
export const name = (text: string) => [...leb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
export const get = (local: number) => [0x20, ...leb(local)];
export const set = (local: number) => [0x21, ...leb(local)];
export const i32 = (value: number) => [0x41, ...sleb(value)];
export const simd = (op: number, ...immediates: number[]) => [0xfd, ...leb(op), ...immediates];
export const I32_ADD = [0x6a];
export const I32_MUL = [0x6c];
export const I32_GE_U = [0x4f];
export const F64_LOAD = [0x2b, 3, 0];
export const F64_STORE = [0x39, 3, 0];
export const F64_ADD = [0xa0];
export const F64_SUB = [0xa1];
export const F64_PROMOTE_F32 = [0xbb];
export const F64_DIV = [0xa3];
export const I32_LOAD = [0x28, 2, 0];
export const I32_SHL = [0x74];
export const F64_CONST = (value: number) => [0x44, ...new Uint8Array(new Float64Array([value]).buffer)];
export const F64X2_SPLAT = simd(0x14);
export const F64X2_SUB = simd(0xf1);
export const V128_LOAD = simd(0x00, 4, 0);
export const V128_STORE = simd(0x0b, 4, 0);
export const V128_LOAD32_SPLAT = simd(0x09, 2, 0);
export const V128_ZERO = simd(0x0c, ...Array<number>(16).fill(0));
export const F64X2_EXTRACT = (lane: number) => simd(0x21, lane);
export const F64X2_ADD = simd(0xf0);
export const F64X2_MUL = simd(0xf2);
export const F32X4_EXTRACT = (lane: number) => simd(0x1f, lane);
export const F32X4_SPLAT = simd(0x13);
export const F32X4_ADD = simd(0xe4);
export const F32X4_SUB = simd(0xe5);
export const F32X4_MUL = simd(0xe6);
export const F32X4_DIV = simd(0xe7);
export const F32_CONST = (value: number) => {
  const bytes = new Uint8Array(new Float32Array([value]).buffer);
  return [0x43, ...bytes];
};

/** for (; local < end; local += step) { body }, compared unsigned; `end` and `step` are code pushing an i32. */
export function forLoop(local: number, end: number[], step: number[], body: number[]): number[] {
  return [
    ...[0x02, 0x40, 0x03, 0x40],
    ...get(local),
    ...end,
    ...I32_GE_U,
    ...[0x0d, 1],
    ...body,
    ...get(local),
    ...step,
    ...I32_ADD,
    ...set(local),
    ...[0x0c, 0, 0x0b, 0x0b],
  ];
}

/** while (!(breakIf)) { body }: `breakIf` pushes an i32, non-zero to leave; `body` advances whatever it tests. */
export function loopUntil(breakIf: number[], body: number[]): number[] {
  return [...[0x02, 0x40, 0x03, 0x40], ...breakIf, ...[0x0d, 1], ...body, ...[0x0c, 0, 0x0b, 0x0b]];
}

/** i8x16.shuffle of the two vectors on the stack: lanes 0–15 from the first, 16–31 from the second. */
export const I8X16_SHUFFLE = (lanes: number[]) => simd(0x0d, ...lanes);
export const F64X2_DIV = simd(0xf3);

/**
 * A module importing env.memory and exporting one function `exported` of `params` with `locals` and `body`. With
 * `shared` the memory imported is a shared one (any size up to 4 GiB), which every thread of the pool can import.
 */
export function moduleBytes(
  exported: string,
  params: number[],
  locals: Array<[count: number, type: number]>,
  body: number[],
  shared = false,
): Uint8Array<ArrayBuffer> {
  const code = [...vec(locals.map(([count, type]) => [...leb(count), type])), ...body, 0x0b];
  const limits = shared ? [0x03, 0x01, ...leb(65536)] : [0x00, 0x00];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(params.map((type) => [type])), 0]])),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, ...limits]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name(exported), 0x00, 0]])),
    ...section(10, vec([[...leb(code.length), ...code]])),
  ]);
}

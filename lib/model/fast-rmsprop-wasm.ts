// The fused RMSprop update as a 400-byte WebAssembly SIMD function that works in tfjs-backend-wasm's own
// memory (it imports that Memory), so it reads gradients and state and writes the new tensors in place.
// Emitted here from opcodes rather than compiled: no toolchain, nothing binary in the repository.
//
//   ms' = ms·decay + (g·g)·(1 − decay)          (each operation rounded to float32, in tfjs's order)
//   m'  = m·momentum + (g·lr) / sqrt(ms' + ε)
//   w'  = w − m'
// Four lanes at a time (f32x4), then the 0-3 left over one at a time. Every wasm float operation here is
// IEEE-754 correctly rounded, as are the element-wise kernels tf.train.rmsprop runs: the results match.
import "server-only";

/** rmsprop(w, g, ms, m, outW, outMs, outM, n, decay, oneMinusDecay, lr, momentum, epsilon); pointers are byte offsets. */
export type RmspropKernel = (
  w: number,
  g: number,
  ms: number,
  m: number,
  outW: number,
  outMs: number,
  outM: number,
  n: number,
  decay: number,
  oneMinusDecay: number,
  lr: number,
  momentum: number,
  epsilon: number,
) => void;

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 for the small constants used here (-64..63). */
const sleb = (value: number) => [value & 0x7f];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const name = (text: string) => [...leb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

// Locals: parameters 0-12 as in RmspropKernel, then these.
const [W, G, MS, M, OUT_W, OUT_MS, OUT_M, N, DECAY, ONE_MINUS_DECAY, LR, MOMENTUM, EPSILON] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const [I, END] = [13, 14];
const [V_DECAY, V_ONE_MINUS_DECAY, V_LR, V_MOMENTUM, V_EPSILON, V_G, V_MS, V_M] = [15, 16, 17, 18, 19, 20, 21, 22];
const [S_G, S_MS, S_M] = [23, 24, 25];

const get = (local: number) => [0x20, local];
const set = (local: number) => [0x21, local];
const i32 = (value: number) => [0x41, ...sleb(value)];
const at = (pointer: number) => [...get(pointer), ...get(I), 0x6a]; // pointer + i
const simd = (op: number, ...immediates: number[]) => [0xfd, ...leb(op), ...immediates];
const [v128Load, v128Store] = [simd(0x00, 4, 0), simd(0x0b, 4, 0)];
const [splat, vSqrt, vAdd, vSub, vMul, vDiv] = [simd(0x13), simd(0xe3), simd(0xe4), simd(0xe5), simd(0xe6), simd(0xe7)];
const [f32Load, f32Store] = [[0x2a, 2, 0], [0x38, 2, 0]];
const [fSqrt, fAdd, fSub, fMul, fDiv] = [[0x91], [0x92], [0x93], [0x94], [0x95]];

/** for (; i < END; i += step) { body } */
const loop = (step: number, body: number[]) => [
  0x02, 0x40, 0x03, 0x40,
  ...get(I), ...get(END), 0x4f, 0x0d, 1, // br_if out when i >= end (unsigned)
  ...body,
  ...get(I), ...i32(step), 0x6a, ...set(I),
  0x0c, 0, 0x0b, 0x0b,
];

/** One update step over either four lanes or one float, in tfjs's operation order. */
function update(load: number[], store: number[], ops: { sqrt: number[]; add: number[]; sub: number[]; mul: number[]; div: number[] }, r: Record<string, number>): number[] {
  return [
    ...at(G), ...load, ...set(r.g!),
    ...at(MS), ...load, ...get(r.decay!), ...ops.mul, ...get(r.g!), ...get(r.g!), ...ops.mul, ...get(r.oneMinusDecay!), ...ops.mul, ...ops.add, ...set(r.ms!),
    ...at(OUT_MS), ...get(r.ms!), ...store,
    ...at(M), ...load, ...get(r.momentum!), ...ops.mul,
    ...get(r.g!), ...get(r.lr!), ...ops.mul, ...get(r.ms!), ...get(r.epsilon!), ...ops.add, ...ops.sqrt, ...ops.div, ...ops.add, ...set(r.m!),
    ...at(OUT_M), ...get(r.m!), ...store,
    ...at(OUT_W), ...at(W), ...load, ...get(r.m!), ...ops.sub, ...store,
  ];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const body = [
    ...vec([[2, I32], [8, V128], [3, F32]]),
    ...get(DECAY), ...splat, ...set(V_DECAY),
    ...get(ONE_MINUS_DECAY), ...splat, ...set(V_ONE_MINUS_DECAY),
    ...get(LR), ...splat, ...set(V_LR),
    ...get(MOMENTUM), ...splat, ...set(V_MOMENTUM),
    ...get(EPSILON), ...splat, ...set(V_EPSILON),
    ...get(N), ...i32(-4), 0x71, ...i32(2), 0x74, ...set(END), // end = (n & ~3) * 4 bytes
    ...loop(16, update(v128Load, v128Store, { sqrt: vSqrt, add: vAdd, sub: vSub, mul: vMul, div: vDiv },
      { g: V_G, ms: V_MS, m: V_M, decay: V_DECAY, oneMinusDecay: V_ONE_MINUS_DECAY, lr: V_LR, momentum: V_MOMENTUM, epsilon: V_EPSILON })),
    ...get(N), ...i32(2), 0x74, ...set(END), // end = n * 4 bytes
    ...loop(4, update(f32Load, f32Store, { sqrt: fSqrt, add: fAdd, sub: fSub, mul: fMul, div: fDiv },
      { g: S_G, ms: S_MS, m: S_M, decay: DECAY, oneMinusDecay: ONE_MINUS_DECAY, lr: LR, momentum: MOMENTUM, epsilon: EPSILON })),
    0x0b,
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([...Array<number[]>(8).fill([I32]), ...Array<number[]>(5).fill([F32])]), 0]])),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name("rmsprop"), 0x00, 0]])),
    ...section(10, vec([[...leb(body.length), ...body]])),
  ]);
}

const kernels = new WeakMap<WebAssembly.Memory, RmspropKernel>();

/** The update function bound to `memory` (compiled once per memory). */
export function rmspropKernelFor(memory: WebAssembly.Memory): RmspropKernel {
  let kernel = kernels.get(memory);
  if (!kernel) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), { env: { memory } });
    kernel = instance.exports.rmsprop as RmspropKernel;
    kernels.set(memory, kernel);
  }
  return kernel;
}

// The fused RMSprop update as a 400-byte WebAssembly SIMD function that works in tfjs-backend-wasm's own
// memory (it imports that Memory), so it reads gradients and state and writes the new tensors in place.
// Emitted from opcodes (wasm-emit.ts) rather than compiled: no toolchain, nothing binary in the repository.
//
//   ms' = ms·decay + (g·g)·(1 − decay)          (each operation rounded to float32, in tfjs's order)
//   m'  = m·momentum + (g·lr) / sqrt(ms' + ε)
//   w'  = w − m'
// Four lanes at a time (f32x4), then the 0-3 left over one at a time. Every wasm float operation here is
// IEEE-754 correctly rounded, as are the element-wise kernels tf.train.rmsprop runs: the results match.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as emit from "./wasm-emit";

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

const { I32, F32, V128, get, set, i32, I32_ADD, V128_LOAD, V128_STORE, F32X4_SPLAT, F32_LOAD, F32_STORE } = emit;
const [splat, v128Load, v128Store, f32Load, f32Store] = [F32X4_SPLAT, V128_LOAD(), V128_STORE(), F32_LOAD(), F32_STORE()];
const [vSqrt, vAdd, vSub, vMul, vDiv] = [emit.F32X4_SQRT, emit.F32X4_ADD, emit.F32X4_SUB, emit.F32X4_MUL, emit.F32X4_DIV];
const [fSqrt, fAdd, fSub, fMul, fDiv] = [emit.F32_SQRT, emit.F32_ADD, emit.F32_SUB, emit.F32_MUL, emit.F32_DIV];

// Locals: parameters 0-12 as in RmspropKernel, then these.
const [W, G, MS, M, OUT_W, OUT_MS, OUT_M, N, DECAY, ONE_MINUS_DECAY, LR, MOMENTUM, EPSILON] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const [I, END] = [13, 14];
const [V_DECAY, V_ONE_MINUS_DECAY, V_LR, V_MOMENTUM, V_EPSILON, V_G, V_MS, V_M] = [15, 16, 17, 18, 19, 20, 21, 22];
const [S_G, S_MS, S_M] = [23, 24, 25];

const at = (pointer: number) => [...get(pointer), ...get(I), ...I32_ADD]; // pointer + i

const loop = (step: number, body: number[]) => emit.forLoop(I, get(END), step, body);

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

function rmspropModule(): Uint8Array<ArrayBuffer> {
  const body = [
    ...get(DECAY), ...splat, ...set(V_DECAY),
    ...get(ONE_MINUS_DECAY), ...splat, ...set(V_ONE_MINUS_DECAY),
    ...get(LR), ...splat, ...set(V_LR),
    ...get(MOMENTUM), ...splat, ...set(V_MOMENTUM),
    ...get(EPSILON), ...splat, ...set(V_EPSILON),
    ...get(N), ...i32(-4), ...emit.I32_AND, ...i32(2), ...emit.I32_SHL, ...set(END), // end = (n & ~3) * 4 bytes
    ...loop(16, update(v128Load, v128Store, { sqrt: vSqrt, add: vAdd, sub: vSub, mul: vMul, div: vDiv },
      { g: V_G, ms: V_MS, m: V_M, decay: V_DECAY, oneMinusDecay: V_ONE_MINUS_DECAY, lr: V_LR, momentum: V_MOMENTUM, epsilon: V_EPSILON })),
    ...get(N), ...i32(2), ...emit.I32_SHL, ...set(END), // end = n * 4 bytes
    ...loop(4, update(f32Load, f32Store, { sqrt: fSqrt, add: fAdd, sub: fSub, mul: fMul, div: fDiv },
      { g: S_G, ms: S_MS, m: S_M, decay: DECAY, oneMinusDecay: ONE_MINUS_DECAY, lr: LR, momentum: MOMENTUM, epsilon: EPSILON })),
  ];
  const params = [...Array<number>(8).fill(I32), ...Array<number>(5).fill(F32)];
  return emit.moduleBytes("rmsprop", params, [[2, I32], [8, V128], [3, F32]], body);
}

/** The update function bound to a memory (compiled once per memory). */
export const rmspropKernelFor = emit.kernelPerMemory<RmspropKernel>(rmspropModule, "rmsprop");

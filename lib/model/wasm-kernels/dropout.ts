// Fast training-time dropout for tfjs-layers' Dropout layer: masks from a small seeded PRNG, one multiply.
//
// Why: tfjs-core 4.22's dropout draws its uniforms in JavaScript through seedrandom's alea, one closure call
// per element, then spends four element-wise kernels (add, floor, div, mul) turning them into a mask: 2–4 ms
// per [128, 512] activation, about a tenth of a whole seed-network step on the wasm fast path. Here the
// mask (0, or 1/keep with probability keep = 1 − rate, as in tfjs and Keras) is written straight into a
// Float32Array by an sfc32 generator and applied with one Mul, so the gradient is dy·mask exactly as before.
// A seeded layer gets a stream seeded from its seed that advances every batch: reproducible, and unlike
// tfjs-layers 4.22 (which reuses one mask for every batch when a Dropout layer is seeded) a new mask each step.
// Inference (training false), rate 0 or 1 and noiseShape keep the stock code path.
//
// Installed by enableFastWasmKernels() (registration.ts) with the kernels, wasm only, and removed with them; the
// layer class, its config and saved models are unchanged, so going back to tfjs's dropout changes nothing saved.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).
import "server-only";
import * as tf from "@tensorflow/tfjs";
import type { WasmBackend } from "./wasm-backend";

/** sfc32 state, four 32-bit words (Chris Doty-Humphrey's Small Fast Counting generator, passes PractRand). */
export type Sfc32State = Uint32Array;

/** A fresh sfc32 state from a 32-bit seed, warmed up so nearby seeds give unrelated streams. */
export function seedSfc32(seed: number): Sfc32State {
  const state = new Uint32Array([0x9e3779b9, seed >>> 0, (seed * 0x85ebca6b) >>> 0, 1]);
  for (let i = 0; i < 16; i++) nextSfc32(state);
  return state;
}

/** Advances the state and returns the next 32-bit unsigned value. */
export function nextSfc32(s: Sfc32State): number {
  const a = s[0]!,
    b = s[1]!,
    c = s[2]!,
    d = s[3]!;
  const t = (((a + b) >>> 0) + d) >>> 0;
  s[3] = (d + 1) >>> 0;
  s[0] = b ^ (b >>> 9);
  s[1] = (c + (c << 3)) >>> 0;
  const rotated = ((c << 21) | (c >>> 11)) >>> 0;
  s[2] = (rotated + t) >>> 0;
  return t;
}

/**
 * Fills `out` with a dropout mask: each element is 1/keep with probability keep = 1 − rate, else 0.
 * `rate` in (0, 1). Advances `state` by out.length draws.
 */
export function fillDropoutMask(out: Float32Array, rate: number, state: Sfc32State): Float32Array {
  if (!(rate > 0 && rate < 1)) throw new RangeError(`dropout rate must be in (0, 1), got ${rate}`);
  const keep = 1 - rate;
  const scale = 1 / keep;
  // u < keep with u = draw / 2^32, compared in integers: keep · 2^32 < 2^32 because keep < 1. The state is
  // kept in int32 (`| 0`) so V8 stays in integer registers (3× faster than `>>> 0`, which yields doubles);
  // flipping the sign bit makes the signed comparison an unsigned one.
  const threshold = (Math.floor(keep * 4294967296) | 0) ^ 0x80000000;
  let a = state[0]! | 0,
    b = state[1]! | 0,
    c = state[2]! | 0,
    d = state[3]! | 0;
  for (let i = 0; i < out.length; i++) {
    const t = (a + b + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + t) | 0;
    out[i] = (t ^ 0x80000000) < threshold ? scale : 0;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  return out;
}

/** The parts of tfjs-layers' Dropout this module reads (its fields are public in JS, not in the typings). */
interface DropoutLike {
  rate: number;
  noiseShape?: number[] | null;
  seed?: number;
  invokeCallHook(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): void;
}

type CallFunction = (
  this: DropoutLike,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: Record<string, unknown>,
) => tf.Tensor | tf.Tensor[];

interface DropoutPrototype {
  call: CallFunction;
}

/** The prototype and stock call while the fast dropout is installed. */
let installed: { proto: DropoutPrototype; stock: CallFunction } | null = null;

/** One PRNG stream per layer instance; unseeded layers draw their seed from Math.random once. */
const streams = new WeakMap<object, Sfc32State>();

function streamFor(layer: DropoutLike): Sfc32State {
  let state = streams.get(layer);
  if (state === undefined) {
    state = seedSfc32(layer.seed ?? Math.floor(Math.random() * 4294967296));
    streams.set(layer, state);
  }
  return state;
}

/**
 * A new mask tensor. On wasm it is written straight into the backend's heap: a Float32Array per call
 * (256 KB for [128, 512]) and its copy into the heap were a third of the dropout's time, mostly garbage collection.
 */
function maskTensor(shape: number[], rate: number, state: Sfc32State): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (tf.getBackend() !== "wasm")
    return tf.tensor(fillDropoutMask(new Float32Array(size), rate, state), shape, "float32");
  const backend = tf.backend() as unknown as WasmBackend;
  const info = backend.makeOutput(shape, "float32");
  fillDropoutMask(backend.typedArrayFromHeap(info) as Float32Array, rate, state);
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** Replaces Dropout's training-time call; idempotent. Returns true when installed (now or already). */
export function installFastDropout(): boolean {
  if (installed !== null) return true;
  const proto = Object.getPrototypeOf(tf.layers.dropout({ rate: 0.5 })) as DropoutPrototype;
  const stock = proto.call;
  proto.call = function fastDropoutCall(this: DropoutLike, inputs, kwargs) {
    const training = kwargs?.["training"] === true;
    if (!training || !(this.rate > 0 && this.rate < 1) || this.noiseShape != null)
      return stock.call(this, inputs, kwargs);
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const input = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.mul(input, maskTensor(input.shape, this.rate, streamFor(this)));
    });
  };
  installed = { proto, stock };
  return true;
}

/** Restores the stock Dropout call; a no-op when the fast one is not installed. */
export function uninstallFastDropout(): void {
  if (installed === null) return;
  installed.proto.call = installed.stock;
  installed = null;
}

/** True while the fast dropout replaces the stock one. */
export function fastDropoutInstalled(): boolean {
  return installed !== null;
}

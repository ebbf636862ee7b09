// PFFFT (wasm with SIMD, float32) for the FFT repulsion: lengths 32 · 2^a · 3^b · 5^c, so the grid need not round up
// to a power of two. One wasm instance per thread, made at import (top-level await): the pool's worker threads import
// kernel modules asynchronously, so the synchronous kernels always find it ready.
import createPffft from "@echogarden/pffft-wasm/simd";

const pffft = await createPffft();

const REAL = 0;
const COMPLEX = 1;
const FORWARD = 0;
const BACKWARD = 1;
const FLOAT_BYTES = 4;

/** The smallest length ≥ `n` PFFFT transforms both as real and as complex data: 32 · 2^a · 3^b · 5^c. */
export function fftSizeAtLeast(n: number): number {
  let best = Infinity;
  const target = Math.max(32, Math.ceil(n));
  // Every 32 · 3^b · 5^c ≤ target, doubled until it reaches the target.
  for (let p3 = 32; p3 < 2 * target; p3 *= 3) {
    for (let p5 = p3; p5 < 2 * target; p5 *= 5) {
      let size = p5;
      while (size < target) size *= 2;
      best = Math.min(best, size);
    }
  }
  return best;
}

/**
 * Transforms of one length on this thread's wasm memory. `input` and `output` are views of 2 · size floats there
 * (refreshed by fftPlan when the memory grew); each method reads `input` and writes `output` unless it says otherwise,
 * unscaled (inverse(forward(x)) = size · x). A real spectrum in order is packed as [F(0), F(size/2), re 1, im 1, …].
 */
export interface FftPlan {
  readonly size: number;
  input: Float32Array;
  output: Float32Array;
  /** size reals → packed half spectrum, in order. */
  realForward(): void;
  /** Packed half spectrum in order → size reals. */
  realInverse(): void;
  /** size complex values → spectrum in PFFFT's internal order (for products with multipliers in that order). */
  complexForward(): void;
  /** `output`, a spectrum in internal order, → size complex values in order, in `output` itself. */
  complexInverseInPlace(): void;
  /** A spectrum of size complex values in order → the same values in internal order. */
  complexToInternal(): void;
}

interface PlanState extends FftPlan {
  inputPointer: number;
  outputPointer: number;
}

/** Plans by length on this thread (module state on purpose: the wasm memory is per thread). */
const plans = new Map<number, PlanState>();

/** This thread's plan for `size` (a length fftSizeAtLeast returns), created on first use. */
export function fftPlan(size: number): FftPlan {
  let plan = plans.get(size);
  if (!plan) {
    const real = pffft._pffft_new_setup(size, REAL);
    const complex = pffft._pffft_new_setup(size, COMPLEX);
    if (!real || !complex) throw new RangeError(`PFFFT cannot transform length ${size} (need 32 · 2^a · 3^b · 5^c)`);
    const inputPointer = pffft._pffft_aligned_malloc(2 * size * FLOAT_BYTES);
    const outputPointer = pffft._pffft_aligned_malloc(2 * size * FLOAT_BYTES);
    // PFFFT's own scratch: without it, it takes 2 · size floats from the small wasm stack.
    const work = pffft._pffft_aligned_malloc(2 * size * FLOAT_BYTES);
    const state: PlanState = {
      size,
      inputPointer,
      outputPointer,
      input: new Float32Array(0),
      output: new Float32Array(0),
      realForward: () => pffft._pffft_transform_ordered(real, inputPointer, outputPointer, work, FORWARD),
      realInverse: () => pffft._pffft_transform_ordered(real, inputPointer, outputPointer, work, BACKWARD),
      complexForward: () => pffft._pffft_transform(complex, inputPointer, outputPointer, work, FORWARD),
      complexInverseInPlace: () => pffft._pffft_transform(complex, outputPointer, outputPointer, work, BACKWARD),
      complexToInternal: () => pffft._pffft_zreorder(complex, inputPointer, outputPointer, BACKWARD),
    };
    plans.set(size, state);
    plan = state;
  }
  // Allocating may have grown the wasm memory, which detaches every earlier view of it.
  if (plan.input.buffer !== pffft.HEAPF32.buffer || plan.input.length === 0) {
    for (const p of plans.values()) {
      p.input = new Float32Array(pffft.HEAPF32.buffer, p.inputPointer, 2 * p.size);
      p.output = new Float32Array(pffft.HEAPF32.buffer, p.outputPointer, 2 * p.size);
    }
  }
  return plan;
}

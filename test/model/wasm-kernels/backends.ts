// Helpers for the wasm-kernels tests: run code on a backend with the fast kernels on or off, compare results.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, expect } from "vitest";
import { initBackend } from "../../../lib/model/backend";
import {
  disableFastWasmKernels,
  enableFastWasmKernels,
  type FastWasmKernelOptions,
} from "../../../lib/model/wasm-kernels";
import { createRng } from "../../../lib/numeric/random";

/** The file's tests start on the wasm backend with the stock kernels (whatever initBackend switched on) and leave it so. */
export function startOnStockWasm(): void {
  beforeAll(async () => {
    await initBackend("wasm");
    disableFastWasmKernels();
  });
  afterAll(() => {
    disableFastWasmKernels();
  });
}

/** Runs `fn` on `backend` with the fast wasm kernels on or off, then returns to wasm with them off. */
export async function onBackend<T>(
  backend: "wasm" | "cpu",
  fast: boolean,
  fn: () => Promise<T>,
  options: FastWasmKernelOptions = {},
): Promise<T> {
  expect(await tf.setBackend(backend)).toBe(true);
  if (fast) expect(enableFastWasmKernels(options)).toBe(true);
  try {
    return await fn();
  } finally {
    disableFastWasmKernels();
    await tf.setBackend("wasm");
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Seeded uniform values in [-1, 1). */
export function seededValues(count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count }, () => 2 * rng() - 1);
}

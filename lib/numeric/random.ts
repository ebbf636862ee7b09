// Seeded pseudo-random numbers (mulberry32): deterministic shuffles, probe sets and initialisation.

export { createRng } from "../core/rng";

/** Fisher–Yates shuffle of `array` in place. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(array: T, rng: () => number): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = array[i]!;
    array[i] = array[j]!;
    array[j] = tmp;
  }
  return array;
}

/** 0..n-1 as an Int32Array. */
export function range(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

// Picks the fixed probe set of test digits whose hidden activations are recorded every epoch.
import { createRng, shuffleInPlace } from "../numeric/random";
import { NUM_CLASSES } from "../core/constants";

/**
 * Stratified sample of `size` indices from `labels` (test labels, [n]): each class gets
 * floor(size / 10) digits, the remainder going to the lowest classes, drawn with `seed`.
 * The same labels, size and seed always give the same indices, sorted ascending.
 */
export function selectProbeIndices(labels: Uint8Array, size: number, seed: number): Int32Array {
  if (!Number.isInteger(size) || size < 0 || size > labels.length) {
    throw new RangeError(`probe size ${size} must be an integer in 0..${labels.length}`);
  }
  const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  labels.forEach((label, i) => byClass[label]!.push(i));
  const rng = createRng(seed);
  const base = Math.floor(size / NUM_CLASSES);
  let extra = size - base * NUM_CLASSES;
  const chosen: number[] = [];
  let shortfall = 0;
  const pools = byClass.map((indices) => shuffleInPlace(Int32Array.from(indices), rng));
  pools.forEach((pool, c) => {
    const want = base + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    const take = Math.min(want, pool.length);
    shortfall += want - take;
    for (let k = 0; k < take; k++) chosen.push(pool[k]!);
    pools[c] = pool.subarray(take);
  });
  // A class smaller than its share (only with tiny test subsets) hands its slots to the others.
  for (let c = 0; shortfall > 0 && c < NUM_CLASSES; c++) {
    const pool = pools[c]!;
    const take = Math.min(shortfall, pool.length);
    for (let k = 0; k < take; k++) chosen.push(pool[k]!);
    shortfall -= take;
  }
  return Int32Array.from(chosen).sort();
}

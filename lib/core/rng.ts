// Seeded pseudo-random numbers (mulberry32), pure and client-safe: lib/numeric draws with it, and so do sweeps.

/** Returns a function giving uniform floats in [0, 1), fully determined by `seed` (any 32-bit integer). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

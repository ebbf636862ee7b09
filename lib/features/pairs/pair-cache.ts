// In-process LRU cache (lru-cache) of derived pair figures keyed by run id + pair + finishedAt, and the pacing of their computation.
import "server-only";
import { LRUCache } from "lru-cache";

/*
 * What is cached here, and what is not:
 * - the separation scores (kNN purity and silhouette per layer × epoch) are not: the job worker's "pairs" stage
 *   (`npm run pairs -- --run ID`) stores all 45 pairs of a run in the PairSeparation table after training, and the
 *   page reads its 49 cells (seed run) with one indexed query, about 2 ms. Computing them is one pass over every pair of
 *   probe digits per layer × epoch: ~2 s each on the shared 2-core machine, 100 s of CPU for a seed run — a job, not a
 *   request. A table survives restarts, and its `k` column keeps a changed metric from serving old numbers;
 * - cells that are not stored (a run from before the table, or whose pairs stage has not run or finished) are computed
 *   by the page and cached here: one pairSeparation of ~400 × 512 each, 0.07–0.16 s, so ~5 s for a seed run's 49 cells,
 *   streamed row by row, then instant until the server restarts;
 * - the pair's detail figures (per-epoch counts, galleries, mean images: lib/db/pairs.ts), 40–130 ms cold.
 * Keys are run id + pair + finishedAt: the figures derive only from rows a run writes once (Epoch, Embedding,
 * TestPredictions), so a finished run's entry is never stale, and a reset database that reuses a run id misses.
 * Entries are small: two numbers per cell, a few dozen digit indices, two 784-value mean images.
 */

/** A least-recently-used map of at most `capacity` entries (lru-cache). */
export type Lru<V extends NonNullable<unknown>> = LRUCache<string, V>;

export function createLru<V extends NonNullable<unknown>>(capacity: number): Lru<V> {
  // lru-cache wants a whole number and throws a TypeError without naming the value.
  if (!(Number.isInteger(capacity) && capacity >= 1))
    throw new RangeError(`capacity must be at least 1, got ${capacity}`);
  return new LRUCache<string, V>({ max: capacity });
}

/** The cache key of one run's figures for one pair; `part` names which figures. */
export function pairKey(part: string, run: { id: number; finishedAt: Date | null }, a: number, b: number): string {
  return `${part}:${run.id}:${a}-${b}:${run.finishedAt?.toISOString() ?? "unfinished"}`;
}

/** Entries are boxed: lru-cache's values may not be null, and a computed null is worth caching. */
type Entry = { value: unknown };

const globalForPairs = globalThis as unknown as { mnistLensPairLru?: Lru<Entry> };

/** Entries are small; a seed-sized run's table for one pair is 49 cells, so this holds about a hundred pairs' computed figures. */
const CAPACITY = 5_000;

function cache(): Lru<Entry> {
  globalForPairs.mnistLensPairLru ??= createLru<Entry>(CAPACITY);
  return globalForPairs.mnistLensPairLru;
}

export function isCached(key: string): boolean {
  return cache().has(key);
}

/** Returns the cached value of `key`, computing and storing it on a miss. Survives Next's hot reload. */
export function cachedPair<V>(key: string, compute: () => V): V {
  const hit = cache().get(key);
  // Keys are namespaced by what they hold (pairKey's `part`), so a hit has the type its part computes.
  if (hit !== undefined) return hit.value as V;
  const value = compute();
  // As before lru-cache: undefined means "nothing cached", so the next call computes again.
  if (value !== undefined) cache().set(key, { value });
  return value;
}

/** Drops `key`, e.g. a computation that failed, so the next request computes it again. */
export function forgetPair(key: string): void {
  cache().delete(key);
}

/** A pause between CPU-bound steps (each up to about a sixth of a second on a busy machine) so other requests get a turn. */
const YIELD_MS = 8;

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, YIELD_MS));
}

/**
 * How long a cold computation waits before its first CPU-bound step. Rendering and streaming the page shell takes
 * many event-loop turns (module loading, React and Next stream stages); started at once, each CPU-bound step would
 * hold one of those turns back, and the shell would wait for several steps. Measured on a seed-sized run when a step
 * took 0.3–0.5 s: first byte after about 3.5 s without the pause. Pages whose cells are all stored do not pause.
 */
const COLD_START_MS = 250;

export function pauseBeforeColdWork(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, COLD_START_MS));
}

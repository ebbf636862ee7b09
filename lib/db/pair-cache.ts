// In-process LRU caches of derived pair figures, keyed by run id + pair + the run's finishedAt.
import "server-only";

/*
 * Why an in-process LRU and not a PairStats table:
 * - the figures derive only from rows a run writes once, when it finishes (Epoch, Embedding, TestPredictions), so a
 *   key of run id + pair + finishedAt never serves stale numbers for a finished run, and a reset database that
 *   reuses a run id misses because finishedAt differs;
 * - the cache lives and dies with the code that computed it: changing the metric (k, distance) can never leave old
 *   numbers behind in the database, and derived, always recomputable data needs no migration;
 * - the price is one cold computation per pair per server process. Measured on a seed-sized run (16 epochs × 3
 *   layers × 2,000 probes × 512, 10,000 test digits) on the shared 2-core machine: the page's first byte in about
 *   0.7 s, then the separation table's rows stream in as they are computed (about 0.3–0.5 s per cell, one
 *   pairSeparation of ~400 × 512, so 20–25 s for all 49 cells under load); warm, the whole page in 0.2–0.3 s.
 *   A table would save only the recomputation after a restart.
 * Entries are small: two numbers per cell, a few dozen digit indices, two 784-value mean images.
 */

export interface Lru<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
  readonly size: number;
}

/** A least-recently-used map holding at most `capacity` entries (a Map keeps insertion order: re-insert on use). */
export function createLru<V>(capacity: number): Lru<V> {
  if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
  const map = new Map<string, V>();
  return {
    get(key) {
      const value = map.get(key);
      if (value !== undefined) {
        map.delete(key);
        map.set(key, value);
      }
      return value;
    },
    set(key, value) {
      map.delete(key);
      map.set(key, value);
      while (map.size > capacity) map.delete(map.keys().next().value!);
    },
    delete(key) {
      map.delete(key);
    },
    get size() {
      return map.size;
    },
  };
}

/** The cache key of one run's figures for one pair; `part` names which figures. */
export function pairKey(part: string, run: { id: number; finishedAt: Date | null }, a: number, b: number): string {
  return `${part}:${run.id}:${a}-${b}:${run.finishedAt?.toISOString() ?? "unfinished"}`;
}

const globalForPairs = globalThis as unknown as { mnistLensPairCache?: Lru<unknown> };

/** Entries are small; a seed-sized run's table for one pair is 49 cells, so this holds about a hundred pairs' figures. */
const CAPACITY = 5_000;

function cache(): Lru<unknown> {
  globalForPairs.mnistLensPairCache ??= createLru<unknown>(CAPACITY);
  return globalForPairs.mnistLensPairCache;
}

export function isCached(key: string): boolean {
  return cache().get(key) !== undefined;
}

/** Returns the cached value of `key`, computing and storing it on a miss. Survives Next's hot reload. */
export function cachedPair<V>(key: string, compute: () => V): V {
  const hit = cache().get(key);
  // Keys are namespaced by what they hold (pairKey's `part`), so a hit has the type its part computes.
  if (hit !== undefined) return hit as V;
  const value = compute();
  cache().set(key, value);
  return value;
}

/** Drops `key`, e.g. a computation that failed, so the next request computes it again. */
export function forgetPair(key: string): void {
  cache().delete(key);
}

/** A pause between CPU-bound steps (each up to about half a second on a busy machine) so other requests get a turn. */
const YIELD_MS = 8;

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, YIELD_MS));
}

/**
 * How long a cold computation waits before its first CPU-bound step. Rendering and streaming the page shell takes
 * many event-loop turns (module loading, React and Next stream stages); started at once, each half-second step would
 * hold one of those turns back, and the shell would wait for several steps. Measured on a seed-sized run: first byte
 * after about 3.5 s without the pause; see the pair page's test output for it with.
 */
const COLD_START_MS = 250;

export function pauseBeforeColdWork(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, COLD_START_MS));
}

// The pool runs every chunk once, on real worker threads, with the same bits as one thread, and reports kernel errors.
import { afterAll, describe, expect, it } from "vitest";
import { chunkCount, getPool, resolveThreads, sharedFloat64, sharedInt32 } from "../../../lib/numeric/parallel";
import { createRng } from "../../../lib/numeric/random";
import { CHUNK, failingChunk, ownerChunk, squareChunk } from "./fixture-kernels";

function inputs(n: number) {
  const x = sharedFloat64(n);
  const rng = createRng(7);
  for (let i = 0; i < n; i++) x[i] = rng() * 1e3 - 500;
  const chunks = chunkCount(n, CHUNK);
  return { x, y: sharedFloat64(n), partials: sharedFloat64(chunks), chunks };
}

describe("thread pool", () => {
  afterAll(async () => {
    await getPool(2).close();
    await getPool(3).close();
  });

  it("resolves thread counts and rejects bad ones by name", () => {
    expect(resolveThreads(1)).toBe(1);
    expect(resolveThreads()).toBeGreaterThanOrEqual(1);
    expect(() => resolveThreads(0)).toThrow(/threads must be an integer/);
    expect(() => resolveThreads(1.5)).toThrow(/threads/);
  });

  it("gives bit-identical outputs and partials on 1, 2 and 3 threads", () => {
    const results = [1, 2, 3].map((threads) => {
      const a = inputs(123_457);
      getPool(threads).run(squareChunk, a.chunks, { x: a.x, y: a.y, partials: a.partials });
      let total = 0;
      for (const p of a.partials) total += p;
      return { y: Array.from(a.y), total };
    });
    expect(results[1]!.total).toBe(results[0]!.total);
    expect(results[2]!.total).toBe(results[0]!.total);
    expect(results[1]!.y).toEqual(results[0]!.y);
    expect(results[2]!.y).toEqual(results[0]!.y);
    expect(results[0]!.y[5]).toBe(2 * inputs(123_457).x[5]!);
  });

  it("spreads the chunks over threads other than the caller's", () => {
    // Each chunk records the thread that ran it; the caller is thread 0. 400 chunks of 2 ms leave the worker time to join.
    const pool = getPool(2);
    const owners = sharedInt32(400).fill(-1);
    pool.run(ownerChunk, owners.length, { owners, spinMs: 2 });
    expect(pool.threads).toBe(2);
    expect(owners.every((o) => o >= 0)).toBe(true);
    expect(new Set(owners).size).toBe(2);
  });

  it("throws the kernel's error from a worker thread and stays usable", () => {
    const pool = getPool(2);
    expect(() => pool.run(failingChunk, 64, { failAt: 40 })).toThrow(/chunk 40 refused/);
    const a = inputs(10 * CHUNK);
    pool.run(squareChunk, a.chunks, { x: a.x, y: a.y, partials: a.partials });
    expect(a.partials.every((p) => p > 0)).toBe(true);
  });

  it("runs `meanwhile` in the caller while a worker already claims chunks, and still runs every chunk once", () => {
    const pool = getPool(2);
    const owners = sharedInt32(200).fill(-1);
    let claimedMeanwhile = -1;
    pool.run(ownerChunk, owners.length, { owners, spinMs: 1 }, () => {
      // The caller busies itself until the worker has taken some chunks (bounded, so a stuck pool fails the test).
      const until = performance.now() + 5000;
      while (owners.every((o) => o === -1) && performance.now() < until);
      claimedMeanwhile = owners.filter((o) => o >= 0).length;
    });
    expect(claimedMeanwhile).toBeGreaterThan(0);
    expect(owners.every((o) => o >= 0)).toBe(true);
    const one = getPool(1);
    let ran = false;
    one.run(squareChunk, 1, inputs(CHUNK), () => (ran = true));
    expect(ran).toBe(true);
  });

  it("passes a shared WebAssembly memory to the workers and refuses an unshared one", () => {
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    expect(() => getPool(2).run(failingChunk, 2, { memory: shared, failAt: -1 })).not.toThrow();
    const plain = new WebAssembly.Memory({ initial: 1 });
    expect(() => getPool(2).run(failingChunk, 2, { memory: plain, failAt: -1 })).toThrow(/args.memory must be backed/);
  });

  it("refuses arrays the workers cannot see", () => {
    expect(() => getPool(2).run(squareChunk, 1, { x: new Float64Array(4) })).toThrow(/args.x must be backed/);
  });
});

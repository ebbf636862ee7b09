import { describe, expect, it } from "vitest";
import { cachedPair, createLru, forgetPair, isCached, pairKey } from "../../../lib/features/pairs/pair-cache";

describe("the pair figures cache", () => {
  it("createLru evicts the least recently used entry beyond its capacity", () => {
    const lru = createLru<number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1); // a is now the most recent
    lru.set("c", 3);
    expect(lru.get("b")).toBeUndefined();
    expect(lru.get("a")).toBe(1);
    expect(lru.get("c")).toBe(3);
    expect(lru.size).toBe(2);
    expect(() => createLru(0)).toThrow("capacity must be at least 1, got 0");
  });

  it("pairKey changes when a run id is reused with another finish time", () => {
    const finished = new Date("2026-11-28T10:00:00Z");
    expect(pairKey("grid", { id: 3, finishedAt: finished }, 4, 9)).toBe("grid:3:4-9:2026-11-28T10:00:00.000Z");
    expect(pairKey("grid", { id: 3, finishedAt: new Date("2026-11-29T10:00:00Z") }, 4, 9)).not.toBe(
      pairKey("grid", { id: 3, finishedAt: finished }, 4, 9),
    );
  });

  it("cachedPair computes once per key, including a null result", () => {
    let calls = 0;
    const compute = () => (calls++, null);
    const key = `test:${Math.random()}`;
    expect(cachedPair(key, compute)).toBeNull();
    expect(cachedPair(key, compute)).toBeNull();
    expect(calls).toBe(1);
    expect(isCached(key)).toBe(true);
    forgetPair(key);
    expect(isCached(key)).toBe(false);
    cachedPair(key, compute);
    expect(calls).toBe(2);
  });
});

import { describe, expect, it } from "vitest";
import { integerTicks, linearTicks } from "../../lib/chart/ticks";

describe("linearTicks", () => {
  it("places nice ticks at their scaled positions with formatted labels", () => {
    const ticks = linearTicks([0, 1], [100, 0], 5, ".0%");
    expect(ticks.map((t) => t.label)).toEqual(["0%", "20%", "40%", "60%", "80%", "100%"]);
    expect(ticks[0]!.pos).toBe(100);
    expect(ticks.at(-1)!.pos).toBe(0);
    expect(ticks[1]!.pos).toBeCloseTo(80, 9);
  });
});

describe("integerTicks", () => {
  it("drops fractional ticks, so a 3-epoch axis shows 1, 2 and 3 only", () => {
    expect(integerTicks([1, 3], [0, 200], 8).map((t) => t.value)).toEqual([1, 2, 3]);
  });
});

import { describe, expect, it } from "vitest";
import { jsonNestingDepth } from "../../lib/core/json-depth";

describe("jsonNestingDepth", () => {
  it("counts arrays and objects, ignoring brackets inside strings and escaped quotes", () => {
    expect(jsonNestingDepth("16")).toBe(0);
    expect(jsonNestingDepth('{"hidden":[512,256]}')).toBe(2);
    expect(jsonNestingDepth('{"name":"[[[{{{\\"[[["}')).toBe(1);
    expect(jsonNestingDepth('[{"a":[[]]},[]]')).toBe(4);
  });

  it("reads a 20,000-deep array without recursion and stops as soon as it passes the limit", () => {
    const deep = "[".repeat(20_000) + "]".repeat(20_000);
    expect(jsonNestingDepth(deep)).toBe(20_000);
    expect(jsonNestingDepth(deep, 8)).toBe(9);
  });
});

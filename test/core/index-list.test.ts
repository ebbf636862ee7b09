import { describe, expect, it } from "vitest";
import { parseIndexList } from "../../lib/core/index-list";

describe("parseIndexList", () => {
  it("reads comma-separated non-negative integers in the order given", () => {
    expect(parseIndexList("3,17,0,42", 10)).toEqual([3, 17, 0, 42]);
  });

  it("refuses empty items, signs, spaces, fractions and lists over the limit", () => {
    for (const bad of ["", "1,,2", "-1", "1, 2", "1.5", "a", "1,", "1234567"])
      expect(parseIndexList(bad, 10)).toBeNull();
    expect(parseIndexList("1,2,3", 2)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import {
  compareHref,
  pairHref,
  parseCompareRuns,
  parsePairParam,
  parsePairView,
  parseRunChoice,
} from "../../lib/chart/pair-view";

describe("pair and compare URL state", () => {
  it("parsePairParam reads a pair in either order and rejects a digit with itself, two-digit numbers and junk", () => {
    expect(parsePairParam("4-9")).toEqual({ a: 4, b: 9 });
    expect(parsePairParam("9-4")).toEqual({ a: 4, b: 9 });
    for (const bad of ["4-4", "4-10", "-1-4", "4", "a-b", "4-9-1", ""]) expect(parsePairParam(bad), bad).toBeNull();
  });

  it("parsePairParam takes the segment as Next hands it over (decoded once): a literal % is junk, not a crash", () => {
    for (const raw of ["%", "%25", "%E0%A4%A", "4%2D9"]) expect(parsePairParam(raw), raw).toBeNull();
  });

  it("parseRunChoice defaults to the latest run and marks a malformed id invalid rather than ignoring it", () => {
    expect(parseRunChoice({})).toEqual({ kind: "latest" });
    expect(parseRunChoice({ run: "12" })).toEqual({ kind: "run", id: 12 });
    expect(parseRunChoice({ run: ["3", "4"] })).toEqual({ kind: "run", id: 3 });
    expect(parseRunChoice({ run: "0" })).toEqual({ kind: "invalid", raw: "0" });
    expect(parseRunChoice({ run: "abc" })).toEqual({ kind: "invalid", raw: "abc" });
  });

  it("parsePairView falls back to the defaults for unknown values", () => {
    expect(parsePairView({})).toEqual({ epoch: null, method: "tsne", metric: "knn" });
    expect(parsePairView({ epoch: "3", method: "pca", metric: "silhouette" })).toEqual({
      epoch: 3,
      method: "pca",
      metric: "silhouette",
    });
    expect(parsePairView({ epoch: "-1", method: "umap", metric: "x" })).toEqual({
      epoch: null,
      method: "tsne",
      metric: "knn",
    });
  });

  it("pairHref puts the smaller digit first and leaves defaults out", () => {
    expect(pairHref(9, 4, null)).toBe("/pairs/4-9");
    expect(pairHref(4, 9, 7, { epoch: 2, method: "tsne", metric: "silhouette" })).toBe(
      "/pairs/4-9?run=7&epoch=2&metric=silhouette",
    );
  });

  it("parseCompareRuns accepts comma lists and repeated params, drops duplicates and rejects a malformed id", () => {
    expect(parseCompareRuns({ runs: "3,5" })).toEqual({ kind: "ok", ids: [3, 5] });
    expect(parseCompareRuns({ runs: ["3", "5,3", " 8 "] })).toEqual({ kind: "ok", ids: [3, 5, 8] });
    expect(parseCompareRuns({})).toEqual({ kind: "ok", ids: [] });
    expect(parseCompareRuns({ runs: "3,x" })).toEqual({ kind: "invalid", raw: "x" });
    expect(compareHref([3, 5])).toBe("/compare?runs=3,5");
  });
});

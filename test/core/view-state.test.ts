import { describe, expect, it } from "vitest";
import {
  confusionQuery,
  galleryQuery,
  parseConfusionView,
  parseDigitIndex,
  parseGalleryView,
  parseRunId,
} from "../../lib/core/view-state";

describe("route params", () => {
  it("accepts positive integer run ids only", () => {
    expect(parseRunId("12")).toBe(12);
    for (const bad of ["0", "-1", "1.5", "abc", "1e3", " 1", ""]) expect(parseRunId(bad)).toBeNull();
  });

  it("accepts digit index 0", () => {
    expect(parseDigitIndex("0")).toBe(0);
    expect(parseDigitIndex("x")).toBeNull();
  });
});

describe("gallery view", () => {
  it("round-trips filters, sort and page through the query string", () => {
    const view = { trueLabel: 4, predicted: 9, sort: "index" as const, page: 2 };
    const q = galleryQuery(view);
    expect(q).toBe("?true=4&pred=9&sort=index&page=2");
    expect(parseGalleryView(Object.fromEntries(new URLSearchParams(q)))).toEqual(view);
  });

  it("leaves defaults out of the URL and falls back to them on nonsense", () => {
    expect(galleryQuery({ trueLabel: null, predicted: null, sort: "confidence-desc", page: 1 })).toBe("");
    expect(parseGalleryView({ true: "12", pred: ["3", "4"], sort: "random", page: "-2" })).toEqual({
      trueLabel: null,
      predicted: 3,
      sort: "confidence-desc",
      page: 1,
    });
  });
});

describe("confusion view", () => {
  it("reads the epoch and the row-normalised toggle", () => {
    expect(parseConfusionView({ epoch: "3", norm: "1" })).toEqual({ epoch: 3, normalised: true });
    expect(parseConfusionView({ epoch: "0" })).toEqual({ epoch: null, normalised: false });
    expect(confusionQuery({ epoch: 3, normalised: true })).toBe("?epoch=3&norm=1");
    expect(confusionQuery({ epoch: null, normalised: false })).toBe("");
  });
});

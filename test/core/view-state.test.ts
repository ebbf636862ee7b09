import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ALL_CLASSES,
  confusionQuery,
  DEFAULT_EXPLORER_VIEW,
  explorerViewQuery,
  galleryQuery,
  parseClasses,
  parseConfusionView,
  parseDigitIndex,
  parseExplorerView,
  parseGalleryView,
  parseRunId,
  type ExplorerView,
} from "../../lib/core/view-state";
import { PROJECTION_METHODS } from "../../lib/core/projection";

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

/** The search params a page receives for a query string (repeated keys as arrays, as Next gives them). */
function paramsOf(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const had = out[k];
    out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

const explorerViews: fc.Arbitrary<ExplorerView> = fc.record({
  subset: fc.constantFrom(null, "probe" as const, "test" as const),
  layer: fc.option(fc.integer({ min: -1, max: 255 }), { nil: null }),
  method: fc.constantFrom(null, ...PROJECTION_METHODS),
  epoch: fc.option(fc.nat({ max: 999_999_999 }), { nil: null }),
  iteration: fc.option(fc.nat({ max: 999_999_999 }), { nil: null }),
  classes: fc.integer({ min: 0, max: ALL_CLASSES }),
});

describe("explorer view", () => {
  it("reads every method by its URL name, UMAP included", () => {
    for (const method of ["pca", "tsne", "umap"] as const)
      expect(parseExplorerView({ subset: "probe", layer: "1", method, epoch: "3" })).toEqual({
        ...DEFAULT_EXPLORER_VIEW,
        subset: "probe",
        layer: 1,
        method,
        epoch: 3,
      });
    expect(explorerViewQuery({ ...DEFAULT_EXPLORER_VIEW, subset: "probe", layer: 1, method: "umap", epoch: 3 })).toBe(
      "?subset=probe&layer=1&method=umap&epoch=3",
    );
  });

  it("takes a method only as written: other spellings fall back to the default", () => {
    for (const method of ["UMAP", "Umap", "umap ", " umap", "t-sne", "TSNE", "pca,umap", ""])
      expect(parseExplorerView({ method }).method, JSON.stringify(method)).toBeNull();
    expect(parseExplorerView({ method: ["umap", "pca"] }).method).toBe("umap");
  });

  it("takes a layer as pixels or 0..255 and a class list only when every entry is a distinct digit", () => {
    expect(parseExplorerView({ layer: "pixels" }).layer).toBe(-1);
    for (const layer of ["-1", "256", "1.0", "0x1", "Pixels"]) expect(parseExplorerView({ layer }).layer).toBeNull();
    expect(parseClasses("4,9")).toBe((1 << 4) | (1 << 9));
    expect(parseClasses("none")).toBe(0);
    for (const raw of ["4,x", "4,,9", "4,4", "12", "4 ,9", "", "a,b"]) expect(parseClasses(raw), raw).toBe(ALL_CLASSES);
  });

  it("leaves defaults out of the URL", () => {
    expect(explorerViewQuery(DEFAULT_EXPLORER_VIEW)).toBe("");
    expect(explorerViewQuery({ ...DEFAULT_EXPLORER_VIEW, layer: -1, classes: 0 })).toBe("?layer=pixels&classes=none");
  });

  it("reads back every view it writes, unchanged (property)", () => {
    fc.assert(
      fc.property(explorerViews, (view) => {
        expect(parseExplorerView(paramsOf(explorerViewQuery(view)))).toEqual(view);
      }),
    );
  });

  it("gives a view for any query string and writes it back as a fixed point (property)", () => {
    const keys = fc.constantFrom("subset", "layer", "method", "epoch", "iter", "classes", "other");
    fc.assert(
      fc.property(fc.array(fc.tuple(keys, fc.string({ maxLength: 12 })), { maxLength: 8 }), (entries) => {
        const view = parseExplorerView(paramsOf(new URLSearchParams(entries).toString()));
        const again = parseExplorerView(paramsOf(explorerViewQuery(view)));
        expect(again).toEqual(view);
      }),
    );
  });
});

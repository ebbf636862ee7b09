import { describe, expect, it } from "vitest";
import { neighbours, pageOf, selectErrors, type ErrorItem } from "../../lib/chart/gallery";

const item = (index: number, trueLabel: number, predicted: number, confidence: number): ErrorItem => ({
  index,
  trueLabel,
  predicted,
  confidence,
  trueProb: 1 - confidence,
  slot: index,
});
const errors = [item(3, 4, 9, 0.6), item(8, 7, 2, 0.99), item(11, 4, 9, 0.99), item(20, 5, 3, 0.4)];

describe("selectErrors", () => {
  it("puts the most confident mistakes first by default, ties by test index", () => {
    expect(
      selectErrors(errors, { trueLabel: null, predicted: null, sort: "confidence-desc" }).map((e) => e.index),
    ).toEqual([8, 11, 3, 20]);
  });

  it("filters by true and predicted class", () => {
    expect(selectErrors(errors, { trueLabel: 4, predicted: 9, sort: "index" }).map((e) => e.index)).toEqual([3, 11]);
    expect(selectErrors(errors, { trueLabel: null, predicted: 3, sort: "index" }).map((e) => e.index)).toEqual([20]);
  });

  it("sorts least confident first on request, without changing its input", () => {
    const copy = [...errors];
    expect(
      selectErrors(errors, { trueLabel: null, predicted: null, sort: "confidence-asc" }).map((e) => e.index),
    ).toEqual([20, 3, 8, 11]);
    expect(errors).toEqual(copy);
  });
});

describe("pageOf", () => {
  it("cuts the list into pages and clamps a page past the end to the last one", () => {
    const list = Array.from({ length: 450 }, (_, i) => i);
    expect(pageOf(list, 1, 200)).toMatchObject({ page: 1, pages: 3, start: 0 });
    const last = pageOf(list, 9, 200);
    expect(last).toMatchObject({ page: 3, start: 400 });
    expect(last.items).toHaveLength(50);
    expect(pageOf([], 1, 200)).toMatchObject({ page: 1, pages: 1, items: [] });
  });
});

describe("neighbours", () => {
  it("follows the list's order for a digit in it", () => {
    const list = selectErrors(errors, { trueLabel: null, predicted: null, sort: "confidence-desc" });
    expect(neighbours(list, 11)).toEqual({ prev: errors[1], next: errors[0] });
    expect(neighbours(list, 8).prev).toBeNull();
  });

  it("falls back to the nearest indices for a digit outside the list", () => {
    const { prev, next } = neighbours(errors, 10);
    expect(prev?.index).toBe(8);
    expect(next?.index).toBe(11);
  });
});

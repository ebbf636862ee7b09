import { describe, expect, it } from "vitest";
import { cellLabel, layoutConfusion, normaliseRows, textOnBlues } from "../../lib/chart/confusion";

function matrix(cells: Record<string, number>): number[] {
  const m = new Array<number>(100).fill(0);
  for (const [k, v] of Object.entries(cells)) {
    const [t, p] = k.split(",").map(Number);
    m[t! * 10 + p!] = v;
  }
  return m;
}

describe("normaliseRows", () => {
  it("turns every non-empty row into rates summing to 1 and leaves an empty row at 0", () => {
    const rates = normaliseRows(matrix({ "0,0": 90, "0,6": 10, "1,1": 5 }));
    expect(rates[0]).toBeCloseTo(0.9, 12);
    expect(rates[6]).toBeCloseTo(0.1, 12);
    expect(rates[11]).toBe(1);
    expect(Array.from(rates.subarray(20, 30))).toEqual(new Array(10).fill(0));
  });

  it("rejects a matrix that is not 10x10, naming the size", () => {
    expect(() => normaliseRows([1, 2, 3])).toThrow("confusion matrix has 3 cells, expected 100");
  });
});

describe("layoutConfusion", () => {
  const m = matrix({ "0,0": 400, "0,6": 4, "7,2": 1, "7,7": 100 });

  it("keeps the counts and totals of the matrix", () => {
    const layout = layoutConfusion(m, false);
    expect(layout.total).toBe(505);
    expect(layout.correct).toBe(500);
    expect(layout.rowTotals[0]).toBe(404);
    expect(layout.colTotals[2]).toBe(1);
    expect(layout.cells[7 * 10 + 2]!.count).toBe(1);
  });

  it("keeps a single error visible next to a large diagonal, and zero cells blank", () => {
    const layout = layoutConfusion(m, false);
    expect(layout.cells[72]!.intensity).toBeGreaterThan(0);
    expect(layout.cells[73]!.intensity).toBe(0);
    expect(layout.cells[0]!.intensity).toBe(1);
  });

  it("uses the row rate as intensity when normalised", () => {
    const layout = layoutConfusion(m, true);
    expect(layout.cells[77]!.intensity).toBeCloseTo(100 / 101, 12);
    expect(cellLabel(layout.cells[77]!, true)).toBe("99");
    expect(cellLabel(layout.cells[72]!, true)).toBe("1.0");
    expect(cellLabel(layout.cells[72]!, false)).toBe("1");
  });
});

describe("textOnBlues", () => {
  it("writes white on the dark half of the scale and dark text on the light half", () => {
    expect(textOnBlues(0.9)).toBe("#ffffff");
    expect(textOnBlues(0.1)).toBe("#1b1f24");
  });
});

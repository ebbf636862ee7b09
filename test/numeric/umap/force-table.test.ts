import { describe, expect, it } from "vitest";
import { createForceTable } from "@/lib/numeric/umap/force-table";
import { createRng } from "@/lib/numeric/random";

describe("createForceTable", () => {
  it.each([
    [1.577, 0.895],
    [0.115, 1.929],
    [5.776, 0.793],
  ])("matches UMAP's gradient coefficients for a = %d, b = %d within 3e-5 over d² from 1e-14 to 1e9", (a, b) => {
    const table = createForceTable(a, b, 1);
    const rng = createRng(3);
    let worst = 0;
    for (let i = 0; i < 20_000; i++) {
      const d2 = 10 ** (-14 + 23 * rng());
      const pb = d2 ** b;
      const attraction = (-2 * a * b * pb) / d2 / (a * pb + 1);
      const repulsion = (2 * b) / ((0.001 + d2) * (a * pb + 1));
      worst = Math.max(worst, Math.abs(table.attraction(d2) / attraction - 1));
      worst = Math.max(worst, Math.abs(table.repulsion(d2) / repulsion - 1));
    }
    expect(worst).toBeLessThan(3e-5);
  });

  it("is exact at segment starts and outside the tabulated octaves", () => {
    const table = createForceTable(1.5, 0.9, 1);
    for (const d2 of [1, 0.5, 3, 2 ** -50, 2 ** 30]) {
      const repulsion = (2 * 0.9) / ((0.001 + d2) * (1.5 * d2 ** 0.9 + 1));
      expect(Math.abs(table.repulsion(d2) / repulsion - 1)).toBeLessThan(1e-14);
    }
  });
});

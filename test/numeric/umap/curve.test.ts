import { describe, expect, it } from "vitest";
import { findAbParams } from "@/lib/numeric/umap/curve";

describe("findAbParams", () => {
  // Reference values: umap-learn 0.5.3's find_ab_params(spread, min_dist) (scipy curve_fit) on this machine.
  const reference: [spread: number, minDist: number, a: number, b: number][] = [
    [1, 0.1, 1.5769434601962196, 0.8950608779914887],
    [1, 0, 1.9328083975546724, 0.7904949734010681],
    [1, 0.5, 0.583030020479462, 1.3341669929263487],
    [2, 0.1, 0.5446605403757238, 0.8420554264219823],
    [1, 1, 0.11497568285252263, 1.9292371466948077],
    [0.5, 0.001, 5.776298979906886, 0.7925153070223354],
  ];

  it.each(reference)("fits spread %d, minDist %d as umap-learn does (a %d, b %d) to 1e-5", (spread, minDist, a, b) => {
    const fit = findAbParams(spread, minDist);
    expect(Math.abs(fit.a / a - 1)).toBeLessThan(1e-5);
    expect(Math.abs(fit.b / b - 1)).toBeLessThan(1e-5);
  });

  it("gives a curve near 1 below minDist and near the offset exponential beyond it", () => {
    const { a, b } = findAbParams(1, 0.1);
    const curve = (x: number) => 1 / (1 + a * x ** (2 * b));
    expect(curve(0.05)).toBeGreaterThan(0.9);
    expect(Math.abs(curve(1.1) - Math.exp(-1))).toBeLessThan(0.05);
    expect(Math.abs(curve(2.1) - Math.exp(-2))).toBeLessThan(0.05);
  });
});

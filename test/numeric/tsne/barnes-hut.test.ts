import { describe, expect, it } from "vitest";
import { createRepulsion } from "@/lib/numeric/tsne/barnes-hut";
import { exactNormaliser } from "@/lib/numeric/tsne/kl";
import { TSNE_DEFAULTS } from "@/lib/numeric/tsne/options";
import { createTsne } from "@/lib/numeric/tsne/tsne";
import { createRng } from "@/lib/numeric/random";
import { exactRepulsion, gaussian, mnistTestDigits, perPointRepulsion, relativeError } from "./helpers";

/** Three clusters of different spread, like a t-SNE layout part-way through. */
function clusteredLayout(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[2 * i] = 20 * c + (c + 1) * gaussian(rng);
    y[2 * i + 1] = -10 * c + (c + 1) * gaussian(rng);
  }
  return y;
}

describe("createRepulsion", () => {
  // The force loop runs in float32 (barnes-hut-wasm.ts): θ = 0 is exact up to float32 rounding.
  it("with theta 0 reproduces the exact forces and normaliser to float32 rounding", () => {
    const y = clusteredLayout(500, 1);
    const exact = exactRepulsion(y);
    const forces = new Float64Array(1000);
    const z = createRepulsion(500)(y, 0, forces);
    expect(Math.abs(z / exact.z - 1)).toBeLessThan(1e-6);
    expect(relativeError(forces, exact.forces)).toBeLessThan(1e-5);
  });

  it("with theta 0.5 stays within 1% of the exact forces and normaliser", () => {
    const y = clusteredLayout(2000, 2);
    const exact = exactRepulsion(y);
    const forces = new Float64Array(4000);
    const z = createRepulsion(2000)(y, 0.5, forces);
    expect(Math.abs(z / exact.z - 1)).toBeLessThan(0.01);
    expect(relativeError(forces, exact.forces)).toBeLessThan(0.01);
  });

  it("handles duplicate points without self-interaction", () => {
    const y = Float64Array.of(0, 0, 0, 0, 0, 0, 3, 4);
    const forces = new Float64Array(8);
    const z = createRepulsion(4)(y, 0.5, forces);
    // Three coincident points see each other (w = 1) and the far point (w = 1/26), pairs counted both ways.
    expect(z).toBeCloseTo(6 + 6 / 26, 5);
    expect(forces[6]!).toBeCloseTo((3 * 3) / 26 ** 2, 7);
    expect(forces[7]!).toBeCloseTo((3 * 4) / 26 ** 2, 7);
  });

  it("reuses its buffers across calls and layouts of different spread", () => {
    const repel = createRepulsion(300);
    const forces = new Float64Array(600);
    for (const scale of [1e-4, 1, 1e3]) {
      const y = clusteredLayout(300, 3).map((v) => v * scale);
      const z = repel(y, 0.5, forces);
      expect(Math.abs(z / exactNormaliser(y) - 1)).toBeLessThan(0.01);
    }
  });
});

describe("the default θ", () => {
  it("gives forces closer to the exact ones than scikit-learn's per-point test at its 0.5, on a t-SNE of 2,000 digits", () => {
    const layout = createTsne(mnistTestDigits(2000).matrix, { iterations: 400, threads: 1 }).fit();
    const y = Float64Array.from(layout);
    const exact = exactRepulsion(y);
    const ours = new Float64Array(y.length);
    createRepulsion(y.length / 2)(y, TSNE_DEFAULTS.theta, ours);
    const oursError = relativeError(ours, exact.forces);
    const perPointError = relativeError(perPointRepulsion(y, 0.5), exact.forces);
    // Measured: 6.4e-3 against 1.7e-2.
    expect(TSNE_DEFAULTS.theta).toBeGreaterThan(0.5);
    expect(oursError).toBeLessThan(perPointError);
  });
});

// The FFT-interpolated repulsion against the exact O(n²) forces and normaliser, its grid, and its thread independence.
import { afterAll, describe, expect, it } from "vitest";
import { getPool, sharedFloat64 } from "@/lib/numeric/parallel";
import { createRepulsion } from "@/lib/numeric/tsne/barnes-hut";
import { chooseGrid } from "@/lib/numeric/tsne/fft-grid";
import { createFftRepulsion } from "@/lib/numeric/tsne/fft-repulsion";
import { fftSizeAtLeast } from "@/lib/numeric/tsne/pffft";
import { pca2d } from "@/lib/numeric/tsne/pca";
import { exactRepulsion, mnistTestDigits, relativeError } from "./helpers";

/**
 * The first 2,000 test digits' first two principal components, scaled to a spread of 80 (a finished t-SNE layout of
 * as many digits spans 60–100): real, overlapping clusters of uneven density.
 */
function digitLayout(): Float64Array {
  const twoD = pca2d(mnistTestDigits(2000).matrix, { threads: 1 });
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of twoD) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const y = sharedFloat64(twoD.length);
  for (let i = 0; i < twoD.length; i++) y[i] = (twoD[i]! * 80) / (hi - lo);
  return y;
}

describe("createFftRepulsion", () => {
  const y = digitLayout();
  const n = y.length / 2;
  const exact = exactRepulsion(y);
  afterAll(async () => await getPool(2).close());

  it("with the default grid (3 nodes per box, boxes at most 0.8 wide) gives Z within 0.5 % and forces within 5 %", () => {
    const forces = sharedFloat64(2 * n);
    const repel = createFftRepulsion(n, { threads: 1 });
    const z = repel(y, forces);
    // Measured here (106 boxes on a 640-point FFT): Z 1.1e-3, forces 1.3e-2 (relative L2 over all points; the error
    // shrinks as h³ with the node spacing h; one box per unit, 80 boxes, gave 3.3e-3 and 3.0e-2). The bounds leave
    // some room.
    expect(Math.abs(z / exact.z - 1)).toBeLessThan(5e-3);
    expect(relativeError(forces, exact.forces)).toBeLessThan(5e-2);
  });

  it("gets more accurate with more interpolation nodes and more boxes", () => {
    // One box per layout unit (FIt-SNE's rule; the default is finer) gives this layout 80 boxes.
    const error = (options: { interpolationPoints?: number; minBoxes?: number }) => {
      const forces = sharedFloat64(2 * n);
      createFftRepulsion(n, { threads: 1, intervalsPerInteger: 1, ...options })(y, forces);
      return relativeError(forces, exact.forces);
    };
    const base = error({});
    expect(error({ interpolationPoints: 5 })).toBeLessThan(base / 5);
    // Twice the 80 boxes: the error shrinks as h³, so by about 8 (measured: 3.0e-2 → 3.8e-3).
    expect(error({ minBoxes: 160 })).toBeLessThan(base / 5);
  });

  it("agrees with Barnes–Hut at θ = 0.5 on the same layout", () => {
    const fft = sharedFloat64(2 * n);
    const bh = sharedFloat64(2 * n);
    const zFft = createFftRepulsion(n, { threads: 1 })(y, fft);
    const zBh = createRepulsion(n, { threads: 1 })(y, 0.5, bh);
    expect(Math.abs(zFft / zBh - 1)).toBeLessThan(1e-2);
    expect(relativeError(fft, bh)).toBeLessThan(4e-2);
  });

  it("gives bit-identical forces and Z on one and two threads, and accepts plain arrays", () => {
    const one = sharedFloat64(2 * n);
    const two = sharedFloat64(2 * n);
    const zOne = createFftRepulsion(n, { threads: 1 })(y, one);
    const zTwo = createFftRepulsion(n, { threads: 2 })(y, two);
    expect(zTwo).toBe(zOne);
    expect(Array.from(two)).toEqual(Array.from(one));
    const plain = new Float64Array(2 * n);
    expect(createFftRepulsion(n, { threads: 2 })(Float64Array.from(y), plain)).toBe(zOne);
    expect(Array.from(plain)).toEqual(Array.from(one));
  });

  it("gives Barnes–Hut's forces bit for bit on one and two threads", () => {
    const one = sharedFloat64(2 * n);
    const two = sharedFloat64(2 * n);
    expect(createRepulsion(n, { threads: 2 })(y, 0.5, two)).toBe(createRepulsion(n, { threads: 1 })(y, 0.5, one));
    expect(Array.from(two)).toEqual(Array.from(one));
  });

  it("handles coincident points and a layout of one point's width", () => {
    const tiny = sharedFloat64(8).fill(0);
    tiny[6] = 3;
    tiny[7] = 4;
    const forces = sharedFloat64(8);
    const z = createFftRepulsion(4, { threads: 1 })(tiny, forces);
    // Three coincident points see each other (w = 1) and the far point (w = 1/26), pairs counted both ways.
    expect(z).toBeCloseTo(6 + 6 / 26, 3);
    expect(forces[6]!).toBeCloseTo((3 * 3) / 26 ** 2, 4);
    expect(forces[7]!).toBeCloseTo((3 * 4) / 26 ** 2, 4);
  });
});

describe("chooseGrid", () => {
  it.each([
    [10, 50],
    [80, 50],
    [140, 50],
    [400, 50],
    [60, 200],
  ])(
    "covers a spread of %d with at least %d boxes on the smallest PFFFT length that does not wrap",
    (spread, minBoxes) => {
      const g = chooseGrid(spread, minBoxes, 1, 3);
      const wanted = Math.max(minBoxes, Math.floor(spread));
      expect(g.boxes).toBeGreaterThanOrEqual(wanted);
      expect(g.boxes * g.boxWidth).toBeGreaterThanOrEqual(spread);
      expect(g.size).toBe(fftSizeAtLeast(2 * 3 * wanted));
      expect(g.size).toBeGreaterThanOrEqual(2 * g.nodes);
      // Boxes fill the FFT: one more would need the next size.
      expect(2 * 3 * (g.boxes + 1)).toBeGreaterThan(g.size);
      expect(g.spacing).toBeCloseTo(g.boxWidth / 3, 12);
    },
  );

  it("needs no power of two: a spread of 213 takes 213 boxes on a 1,280-point FFT, not 341 on 2,048", () => {
    const g = chooseGrid(213, 50, 1, 3);
    expect(g.size).toBe(1280);
    expect(g.boxes).toBe(213);
  });
});

// The layouts of one source share a PCA and a quality pass: the shared work must give the figures separate work gave.
import { describe, expect, it } from "vitest";
import {
  computePcaLayout,
  computeTsneLayout,
  reduceInput,
  scoreLayouts,
  scoreLayoutsAndPairs,
  type LayoutSettings,
} from "../../../lib/features/projection/layout";
import { createTimings } from "../../../lib/features/projection/timings";
import { computeKnn } from "../../../lib/numeric/tsne/knn";
import { pca, pca2d } from "../../../lib/numeric/tsne/pca";
import { knnAccuracy, trustworthiness } from "../../../lib/numeric/tsne/quality";
import { mnistTestDigits } from "../../numeric/tsne/helpers";

const settings: LayoutSettings = {
  iterations: 100,
  probeIterations: 100,
  probeRateFactor: 2,
  warmIterations: 50,
  snapshots: new Set(),
  perplexity: 20,
  k: 10,
  umapNeighbours: 15,
};

describe("a source's shared PCA and quality pass", () => {
  const { matrix, labels } = mnistTestDigits(300);
  const ctx = () => ({ threads: 1, timings: createTimings() });

  it("reduceInput gives a large source's t-SNE its 50 principal components and the PCA layout their first two, as pca2d would", () => {
    const input = reduceInput(matrix, ctx(), 299);
    expect([input.reduced!.rows, input.reduced!.cols]).toEqual([300, 50]);
    expect(input.reduced!.data).toEqual(pca(matrix, 50, { threads: 1 }).projected.data);
    const direct = pca2d(matrix, { threads: 1 });
    const scale = Math.max(...direct.map(Math.abs));
    for (let i = 0; i < direct.length; i++) expect(Math.abs(input.pca[i]! - direct[i]!)).toBeLessThan(1e-5 * scale);
  });

  it("reduceInput keeps a large input of 50 columns or fewer as it is", () => {
    const narrow = { data: matrix.data.subarray(0, 300 * 40), rows: 300, cols: 40 };
    expect(reduceInput(narrow, ctx(), 299).reduced).toBe(narrow);
  });

  it("a small source gets pca2d's layout, and its t-SNE the exact neighbours in the input's own columns from one distance matrix", async () => {
    const input = reduceInput(matrix, ctx());
    expect(input.reduced).toBeNull();
    expect(input.pca).toEqual(pca2d(matrix, { threads: 1 }));
    const tsne = await computeTsneLayout(input, settings, ctx(), null, true);
    expect(input.distances).not.toBeNull();
    const { knn } = tsne!.graph;
    const exact = computeKnn(matrix, 60, { threads: 1 });
    // UMAP keeps the first 15 of the t-SNE's 60 (3 × perplexity 20).
    for (let i = 0; i < 300; i++) {
      expect(Array.from(knn.indices.subarray(i * 15, i * 15 + 15))).toEqual(
        Array.from(exact.indices.subarray(i * 60, i * 60 + 15)),
      );
      for (let j = 0; j < 15; j++) expect(knn.distancesSq[i * 15 + j]).toBeCloseTo(exact.distancesSq[i * 60 + j]!, 3);
    }
    expect(tsne!.layout.neighbours).toBe("exact");
  });

  it("the pair and quality figures read a small source's kept distance matrix and give what their own pass gives", async () => {
    const c = ctx();
    const input = reduceInput(matrix, c);
    const layouts = [computePcaLayout(input), (await computeTsneLayout(input, settings, c, null, true))!.layout];
    const copies = layouts.map((l) => ({ ...l }));
    const kept = scoreLayoutsAndPairs(matrix, labels, layouts, 10, 10, c, input.distances);
    const own = scoreLayoutsAndPairs(matrix, labels, copies, 10, 10, c);
    expect(kept.scores).toEqual(own.scores);
    expect(kept.inputAccuracy).toBe(own.inputAccuracy);
    expect(layouts.map((l) => l.trustworthiness)).toEqual(copies.map((l) => l.trustworthiness));
    // The own pass computed a matrix of its own since: the kept one is refused rather than read stale.
    expect(() => scoreLayoutsAndPairs(matrix, labels, layouts, 10, 10, c, input.distances)).toThrow(/overwritten/);
  });

  it("scoreLayouts fills in the input's kNN accuracy and each layout's trustworthiness as separate passes give them", async () => {
    const c = ctx();
    const input = reduceInput(matrix, c);
    const pcaLayout = computePcaLayout(input);
    const tsne = await computeTsneLayout(input, settings, c, null, true);
    expect([pcaLayout.trustworthiness, tsne!.layout.trustworthiness, tsne!.layout.knnAccuracy]).toEqual([
      null,
      null,
      null,
    ]);
    const accuracy = scoreLayouts(matrix, labels, [pcaLayout, tsne!.layout], 10, c);
    expect(accuracy).toBe(knnAccuracy(matrix.data, matrix.rows, matrix.cols, labels, 10, { threads: 1 }));
    for (const layout of [pcaLayout, tsne!.layout]) {
      const low = { data: layout.coords, rows: 300, cols: 2 };
      expect(layout.knnAccuracy).toBe(accuracy);
      expect(layout.trustworthiness).toBe(trustworthiness(matrix, low, 10, { threads: 1 }));
    }
    // The t-SNE separates digits better than the two leading components do.
    expect(tsne!.layout.trustworthiness!).toBeGreaterThan(pcaLayout.trustworthiness!);
    expect(c.timings.quality).toBeGreaterThan(0);
  });

  it("a probe t-SNE runs probeIterations from a PCA start and warmIterations from a previous layout", async () => {
    const input = reduceInput(matrix, ctx());
    const cold = await computeTsneLayout(input, settings, ctx(), null, true);
    const warm = await computeTsneLayout(input, settings, ctx(), cold!.layout.coords, true);
    const test = await computeTsneLayout(input, { ...settings, iterations: 120 }, ctx(), null, false);
    expect([cold!.layout.iteration, warm!.layout.iteration, test!.layout.iteration]).toEqual([100, 50, 120]);
  });
});

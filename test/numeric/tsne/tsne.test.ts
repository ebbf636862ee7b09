import { describe, expect, it } from "vitest";
import { klDivergenceExact } from "@/lib/numeric/tsne/kl";
import { computeKnn } from "@/lib/numeric/tsne/knn";
import { APPROXIMATE_MIN_ROWS, resolveTsneOptions } from "@/lib/numeric/tsne/options";
import { knnAccuracy } from "@/lib/numeric/tsne/quality";
import { FFT_MIN_POINTS } from "@/lib/numeric/tsne/repulsion";
import { pca2d } from "@/lib/numeric/tsne/pca";
import { createTsne, pcaStart } from "@/lib/numeric/tsne/tsne";
import { gaussianBlobs, randomMatrix } from "./helpers";

/** Two 20-D blobs of 100 points with unit noise, centres 10√2 ≈ 14 noise standard deviations apart. */
function twoBlobs() {
  const far = Array(20).fill(0);
  far[0] = 10;
  far[1] = 10;
  return gaussianBlobs([Array(20).fill(0), far], 100, 42);
}

/** Mean distance between the two blobs' centroids over the mean distance of points to their own centroid. */
function separationRatio(layout: Float32Array, labels: Uint8Array): number {
  const centroid = [
    [0, 0],
    [0, 0],
  ];
  const counts = [0, 0];
  labels.forEach((b, i) => {
    centroid[b]![0]! += layout[2 * i]!;
    centroid[b]![1]! += layout[2 * i + 1]!;
    counts[b]!++;
  });
  centroid.forEach((c, b) => c.forEach((_, d) => (c[d]! /= counts[b]!)));
  let spread = 0;
  labels.forEach(
    (b, i) => (spread += Math.hypot(layout[2 * i]! - centroid[b]![0]!, layout[2 * i + 1]! - centroid[b]![1]!)),
  );
  return (
    Math.hypot(centroid[0]![0]! - centroid[1]![0]!, centroid[0]![1]! - centroid[1]![1]!) / (spread / labels.length)
  );
}

describe("createTsne", () => {
  it("keeps two well-separated Gaussian blobs apart in 2-D", () => {
    const { matrix, labels } = twoBlobs();
    const layout = createTsne(matrix, { perplexity: 20, iterations: 500, init: "random", seed: 1 }).fit();
    expect(knnAccuracy(layout, 200, 2, labels, 10)).toBe(1);
    expect(separationRatio(layout, labels)).toBeGreaterThan(3);
  });

  it("gives identical layouts for the same seed and different ones for another seed", () => {
    const { matrix } = twoBlobs();
    const run = (seed: number) => createTsne(matrix, { perplexity: 20, iterations: 300, init: "random", seed }).fit();
    const first = run(7);
    expect(run(7)).toEqual(first);
    const other = run(8);
    expect(other).not.toEqual(first);
    expect(other.some((v, i) => Math.abs(v - first[i]!) > 1e-3)).toBe(true);
  });

  it("is deterministic with PCA init, which ignores the seed", () => {
    const { matrix } = twoBlobs();
    const a = createTsne(matrix, { perplexity: 20, iterations: 100, seed: 1 }).fit();
    const b = createTsne(matrix, { perplexity: 20, iterations: 100, seed: 2 }).fit();
    expect(a).toEqual(b);
  });

  it("starts from a given layout, so a warm start continues where it left off", () => {
    const { matrix } = twoBlobs();
    const first = createTsne(matrix, { perplexity: 20, iterations: 400, init: "random" }).fit();
    const resumed = createTsne(matrix, { perplexity: 20, iterations: 1, init: first, exaggerationIterations: 0 });
    expect(resumed.embedding()).toEqual(first);
    resumed.step();
    // One more step from a converged layout moves points only slightly.
    const moved = resumed.embedding().reduce((m, v, i) => Math.max(m, Math.abs(v - first[i]!)), 0);
    expect(moved).toBeLessThan(0.5);
  });

  it("steps one iteration at a time and stops at the budget, with snapshots along the way", () => {
    const tsne = createTsne(randomMatrix(120, 5, 3), { perplexity: 10, iterations: 60, init: "random" });
    expect(tsne.iteration).toBe(0);
    const snapshots = new Map<number, Float32Array>();
    while (tsne.iteration < tsne.iterations) {
      const it = tsne.step();
      if (it === 50 || it === 60) snapshots.set(it, tsne.embedding());
    }
    expect(tsne.step()).toBe(60);
    expect([...snapshots.keys()]).toEqual([50, 60]);
    expect(snapshots.get(50)).not.toEqual(snapshots.get(60));
    expect(snapshots.get(60)).toEqual(tsne.embedding());
  });

  it("reports a KL divergence close to the exact one, which falls as the layout improves", () => {
    const { matrix } = twoBlobs();
    const tsne = createTsne(matrix, { perplexity: 20, iterations: 500, init: "random" });
    while (tsne.iteration < 260) tsne.step();
    const early = tsne.klDivergence();
    tsne.fit();
    const late = tsne.klDivergence();
    expect(late).toBeLessThan(early);
    expect(Math.abs(late / klDivergenceExact(tsne.p, tsne.embedding()) - 1)).toBeLessThan(0.02);
  });

  it("fitAsync yields to the event loop and stops when the callback returns false", async () => {
    const tsne = createTsne(randomMatrix(150, 5, 4), { perplexity: 10, iterations: 400, init: "random" });
    let timerFired = false;
    setTimeout(() => (timerFired = true), 0);
    const seen: number[] = [];
    const layout = await tsne.fitAsync(
      async (it) => {
        seen.push(it);
        return it < 120;
      },
      { yieldEveryMs: 0 },
    );
    expect(timerFired).toBe(true);
    expect(seen[0]).toBe(1);
    expect(seen.at(-1)).toBe(120);
    expect(tsne.iteration).toBe(120);
    expect(layout).toEqual(tsne.embedding());
    await tsne.fitAsync();
    expect(tsne.iteration).toBe(400);
  });
});

describe("createTsne options", () => {
  const data = randomMatrix(40, 3, 5);

  it.each([
    [{ perplexity: 0.5 }, "perplexity must be a number in (1, rows - 1) = (1, 39) (got 0.5)"],
    [{ perplexity: 39 }, "perplexity must be a number in (1, rows - 1) = (1, 39) (got 39)"],
    [{ perplexity: Number.NaN }, "perplexity must be a number in (1, rows - 1) = (1, 39) (got NaN)"],
    [{ iterations: 0 }, "iterations must be an integer ≥ 1 (got 0)"],
    [{ iterations: 2.5 }, "iterations must be an integer ≥ 1 (got 2.5)"],
    [{ theta: 1.5 }, "theta must be a number in [0, 1] (got 1.5)"],
    [{ earlyExaggeration: 0.5 }, "earlyExaggeration must be a number in [1, 1000] (got 0.5)"],
    [{ exaggerationIterations: -1 }, "exaggerationIterations must be an integer ≥ 0 (got -1)"],
    [{ learningRate: 0 }, "learningRate must be 'auto' or a finite number > 0 (got 0)"],
    [{ learningRate: Infinity }, "learningRate must be 'auto' or a finite number > 0 (got Infinity)"],
    [{ seed: 1.5 }, "seed must be an integer (got 1.5)"],
    [{ pcaDimensions: 1 }, "pcaDimensions must be an integer ≥ 2 (got 1)"],
    [{ init: new Float32Array(10) }, "init must hold rows * 2 = 80 values (got 10)"],
    [{ threads: 0 }, "threads must be an integer in 1..64 (got 0)"],
    [{ threads: 2.5 }, "threads must be an integer in 1..64 (got 2.5)"],
    [{ repulsion: "exact" as "fft" }, "repulsion must be 'auto', 'fft' or 'barnes-hut' (got 'exact')"],
    [{ neighbours: "hnsw" as "exact" }, "neighbours must be 'auto', 'exact' or 'approximate' (got 'hnsw')"],
    [{ fftMinBoxes: 0 }, "fftMinBoxes must be an integer in 1..1000 (got 0)"],
    [{ fftIntervalsPerInteger: 0 }, "fftIntervalsPerInteger must be a number in (0, 10] (got 0)"],
    [{ fftInterpolationPoints: 1 }, "fftInterpolationPoints must be an integer in 2..8 (got 1)"],
  ])("rejects %o with a RangeError naming it", (options, message) => {
    expect(() => createTsne(data, options)).toThrow(new RangeError(message));
  });

  it("rejects a non-number, an unknown init and a non-finite init value", () => {
    // Options arriving from JSON or a form are not type-checked.
    expect(() => createTsne(data, { perplexity: "30" as unknown as number })).toThrow(
      "perplexity must be a number in (1, rows - 1) = (1, 39) (got '30')",
    );
    expect(() => createTsne(data, { init: "umap" as "pca" })).toThrow(
      "init must be 'random', 'pca' or a Float32Array or Float64Array [rows, 2] (got 'umap')",
    );
    const init = new Float32Array(80);
    init[5] = Number.NaN;
    expect(() => createTsne(data, { init })).toThrow("init[5] must be finite (got NaN)");
  });

  it("rejects bad input shapes and values", () => {
    expect(() => createTsne({ data: new Float32Array(5), rows: 2, cols: 3 })).toThrow(
      "input.data has 5 values, expected rows * cols = 6",
    );
    expect(() => createTsne({ data: new Float32Array(4), rows: 2, cols: 2 })).toThrow(
      "rows must be in 3..1048576 for t-SNE (got 2)",
    );
    const bad = randomMatrix(10, 2, 6);
    bad.data[7] = Infinity;
    expect(() => createTsne(bad)).toThrow("input.data[7] is Infinity (row 3), expected a finite number");
  });

  it("resolves repulsion and neighbours 'auto' by the number of rows, and keeps explicit choices", () => {
    expect(resolveTsneOptions({}, FFT_MIN_POINTS - 1).repulsion).toBe("barnes-hut");
    expect(resolveTsneOptions({}, FFT_MIN_POINTS).repulsion).toBe("fft");
    expect(resolveTsneOptions({}, APPROXIMATE_MIN_ROWS - 1).neighbours).toBe("exact");
    expect(resolveTsneOptions({}, APPROXIMATE_MIN_ROWS).neighbours).toBe("approximate");
    expect(resolveTsneOptions({ repulsion: "fft", neighbours: "approximate" }, 100)).toMatchObject({
      repulsion: "fft",
      neighbours: "approximate",
    });
  });

  it("reports the methods that ran and the kNN graph its P came from", () => {
    const tsne = createTsne(data, { iterations: 1, perplexity: 5, threads: 1 });
    expect(tsne.repulsion).toBe("barnes-hut");
    expect(tsne.neighbours).toBe("exact");
    expect(tsne.options.threads).toBe(1);
    expect(tsne.knn).toEqual(computeKnn(data, 15));
    const fft = createTsne(data, { iterations: 5, perplexity: 5, repulsion: "fft", threads: 1 });
    expect(fft.repulsion).toBe("fft");
    fft.fit();
    expect(Math.abs(fft.klDivergence() / klDivergenceExact(fft.p, fft.embedding()) - 1)).toBeLessThan(0.01);
  });

  it("takes a kNN graph already found: the layout of the graph it would find, and refuses one of another k", () => {
    const knn = computeKnn(data, 15);
    const own = createTsne(data, { iterations: 30, perplexity: 5, threads: 1 });
    const given = createTsne(data, { iterations: 30, perplexity: 5, threads: 1, knn, init: pcaStart(pca2d(data)) });
    expect(given.knn).toBe(knn);
    expect(given.neighbours).toBe("exact");
    expect(Array.from(given.fit())).toEqual(Array.from(own.fit()));
    expect(() => createTsne(data, { perplexity: 6, knn })).toThrow(
      "knn must be a graph of k = 18, 720 entries (got 'a graph of k = 15, 600 entries')",
    );
  });

  it("resolves learningRate 'auto' to max(rows / earlyExaggeration, 200)", () => {
    expect(createTsne(data, { iterations: 1, perplexity: 5 }).options.learningRate).toBe(200);
    expect(createTsne(randomMatrix(3000, 2, 7), { iterations: 1 }).options.learningRate).toBe(250);
  });

  it("rejects a negative yieldEveryMs", async () => {
    const tsne = createTsne(data, { iterations: 1, perplexity: 5 });
    await expect(tsne.fitAsync(undefined, { yieldEveryMs: -1 })).rejects.toThrow(
      "yieldEveryMs must be a number ≥ 0 (got -1)",
    );
  });
});

import { describe, expect, it } from "vitest";
import { umap } from "@/lib/numeric/umap";
import { computeKnn } from "@/lib/numeric/tsne/knn";
import { knnAccuracy } from "@/lib/numeric/tsne/quality";
import { gaussianBlobs } from "../tsne/helpers";

/** Three 10-D blobs of 80 points, centres 20 noise standard deviations apart. */
function threeBlobs() {
  const centre = (axis: number) => Array.from({ length: 10 }, (_, c) => (c === axis ? 20 : 0));
  return gaussianBlobs([centre(0), centre(1), centre(2)], 80, 4);
}

/** Root-mean-square distance of a [rows, 2] layout's points from their centroid. */
function spreadOf(coords: Float32Array): number {
  const n = coords.length / 2;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += coords[2 * i]! / n;
    my += coords[2 * i + 1]! / n;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (coords[2 * i]! - mx) ** 2 + (coords[2 * i + 1]! - my) ** 2;
  return Math.sqrt(sum / n);
}

describe("umap", () => {
  it("keeps well-separated Gaussian blobs apart in 2-D with every init", () => {
    const { matrix, labels } = threeBlobs();
    for (const init of ["pca", "random"] as const) {
      const result = umap(matrix, { init, seed: 1 });
      expect(result.coords.length).toBe(2 * 240);
      expect(result.epochs).toBe(500);
      expect(knnAccuracy(result.coords, 240, 2, labels, 10)).toBe(1);
    }
  });

  it("gives bit-identical layouts for the same seed and different ones for another seed", () => {
    const { matrix } = threeBlobs();
    const first = umap(matrix, { seed: 7, epochs: 100 }).coords;
    expect(umap(matrix, { seed: 7, epochs: 100 }).coords).toEqual(first);
    const other = umap(matrix, { seed: 8, epochs: 100 }).coords;
    expect(other.some((v, i) => Math.abs(v - first[i]!) > 1e-3)).toBe(true);
    const random = umap(matrix, { seed: 7, epochs: 100, init: "random" }).coords;
    expect(umap(matrix, { seed: 7, epochs: 100, init: "random" }).coords).toEqual(random);
  });

  it("runs on a given kNN graph's first nNeighbors - 1 columns exactly as on the graph it computes", () => {
    const { matrix } = threeBlobs();
    const own = umap(matrix, { seed: 2, epochs: 50 });
    expect(own.knn.k).toBe(14);
    const wide = computeKnn(matrix, 40);
    const reused = umap(matrix, { seed: 2, epochs: 50, knn: wide });
    expect(reused.knn).toEqual(own.knn);
    expect(reused.coords).toEqual(own.coords);
  });

  it("moves a converged layout little when warm-started from it on the same data", () => {
    const { matrix, labels } = threeBlobs();
    const cold = umap(matrix, { seed: 3 });
    const warm = umap(matrix, { seed: 4, init: cold.coords });
    expect(warm.epochs).toBe(100);
    let moved = 0;
    for (let i = 0; i < 240; i++)
      moved += Math.hypot(warm.coords[2 * i]! - cold.coords[2 * i]!, warm.coords[2 * i + 1]! - cold.coords[2 * i + 1]!);
    expect(moved / 240).toBeLessThan(0.15 * spreadOf(cold.coords));
    expect(knnAccuracy(warm.coords, 240, 2, labels, 10)).toBe(1);
  });
});

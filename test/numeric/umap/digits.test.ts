import { describe, expect, it } from "vitest";
import { UMAP } from "umap-js";
import { umap } from "@/lib/numeric/umap";
import { knnAccuracy } from "@/lib/numeric/tsne/quality";
import { createRng } from "@/lib/numeric/random";
import type { KnnGraph } from "@/lib/numeric/tsne/knn";
import { gaussian, mnistTestDigits } from "../tsne/helpers";

const ROWS = 1000;

/** umap-js (PAIR-code) on the same rows and the same kNN graph (its rows hold the point itself first, at distance 0). */
function umapJs(data: Float32Array, cols: number, knn: KnnGraph, seed: number): Float32Array {
  const rows = Array.from({ length: ROWS }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
  const indices = Array.from({ length: ROWS }, (_, i) => [i, ...knn.indices.subarray(i * knn.k, (i + 1) * knn.k)]);
  const distances = Array.from({ length: ROWS }, (_, i) => [
    0,
    ...Array.from(knn.distancesSq.subarray(i * knn.k, (i + 1) * knn.k), Math.sqrt),
  ]);
  const reference = new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, random: createRng(seed) });
  reference.setPrecomputedKNN(indices, distances);
  return Float32Array.from(reference.fit(rows).flat());
}

/** Mean distance a point moved between two [rows, 2] layouts. */
function meanDisplacement(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < ROWS; i++) sum += Math.hypot(a[2 * i]! - b[2 * i]!, a[2 * i + 1]! - b[2 * i + 1]!);
  return sum / ROWS;
}

/** Root-mean-square distance of a layout's points from their centroid. */
function spreadOf(coords: Float32Array): number {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < ROWS; i++) {
    mx += coords[2 * i]! / ROWS;
    my += coords[2 * i + 1]! / ROWS;
  }
  let sum = 0;
  for (let i = 0; i < ROWS; i++) sum += (coords[2 * i]! - mx) ** 2 + (coords[2 * i + 1]! - my) ** 2;
  return Math.sqrt(sum / ROWS);
}

describe("umap on real digits", () => {
  const { matrix, labels } = mnistTestDigits(ROWS);
  const accuracy = (coords: Float32Array) => knnAccuracy(coords, ROWS, 2, labels, 10);

  it("separates 1,000 test digits as well as umap-js does on the same rows and kNN graph", () => {
    const ours: number[] = [];
    const reference: number[] = [];
    let knn: KnnGraph | undefined;
    for (const seed of [1, 2]) {
      const result = umap(matrix, { seed, knn });
      knn = result.knn;
      ours.push(accuracy(result.coords));
      reference.push(accuracy(umapJs(matrix.data, matrix.cols, knn, seed)));
    }
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    // Pixels of 1,000 digits: umap-js scores 0.83–0.84 here (10-NN in the layout; 0.86 in the 784-D pixel space).
    expect(mean(ours)).toBeGreaterThan(0.8);
    expect(Math.abs(mean(ours) - mean(reference))).toBeLessThan(0.03);
  });

  it("stays aligned with the previous layout when warm-started from it, and scores as well as a cold fit", () => {
    const previous = umap(matrix, { seed: 1 }).coords;
    // The next "epoch": the same digits seen through a changed representation (pixel noise of std 0.1).
    const rng = createRng(9);
    const next = { ...matrix, data: matrix.data.map((v) => v + 0.1 * gaussian(rng)) };
    const warm = umap(next, { seed: 11, init: previous });
    const cold = umap(next, { seed: 11, knn: warm.knn });
    expect(warm.epochs).toBe(100);
    const warmMoved = meanDisplacement(warm.coords, previous);
    expect(warmMoved).toBeLessThan(0.2 * spreadOf(previous));
    expect(warmMoved).toBeLessThan(0.4 * meanDisplacement(cold.coords, previous));
    expect(accuracy(warm.coords)).toBeGreaterThan(accuracy(cold.coords) - 0.02);
  });
});

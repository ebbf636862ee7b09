import { describe, expect, it } from "vitest";
import { resolveUmapOptions } from "@/lib/numeric/umap/options";
import { umap } from "@/lib/numeric/umap";
import { randomMatrix } from "../tsne/helpers";

describe("resolveUmapOptions", () => {
  it("fills umap-learn's defaults: 15 neighbours, min_dist 0.1, 500 epochs up to 10,000 rows and 200 above", () => {
    const small = resolveUmapOptions({}, 10_000);
    expect(small).toMatchObject({ nNeighbors: 15, minDist: 0.1, spread: 1, epochs: 500, learningRate: 1 });
    expect(small).toMatchObject({ negativeSampleRate: 5, seed: 0, init: "pca", threads: undefined });
    expect(resolveUmapOptions({}, 10_001).epochs).toBe(200);
    expect(resolveUmapOptions({ epochs: "auto" }, 100).epochs).toBe(500);
  });

  it("gives a warm start umap-learn's transform schedule: 100 epochs (30 above 10,000 rows) at a quarter of the rate", () => {
    const warm = resolveUmapOptions({ init: new Float32Array(200) }, 100);
    expect(warm).toMatchObject({ epochs: 100, learningRate: 0.25, defaultEpochs: 500 });
    expect(resolveUmapOptions({ init: new Float32Array(2 * 20_000) }, 20_000).epochs).toBe(30);
    expect(resolveUmapOptions({ init: new Float32Array(200), epochs: 40, learningRate: 1 }, 100)).toMatchObject({
      epochs: 40,
      learningRate: 1,
    });
  });

  it("rejects each bad option with a message naming the field and the value", () => {
    const cases: [Parameters<typeof resolveUmapOptions>[0], string][] = [
      [{ nNeighbors: 1 }, "nNeighbors must be an integer in 2..rows = 2..50 (got 1)"],
      [{ nNeighbors: 51 }, "nNeighbors must be an integer in 2..rows = 2..50 (got 51)"],
      [{ nNeighbors: 7.5 }, "nNeighbors must be an integer in 2..rows = 2..50 (got 7.5)"],
      [{ spread: 0 }, "spread must be a finite number > 0 (got 0)"],
      [{ minDist: -0.1 }, "minDist must be a number in [0, spread = 1] (got -0.1)"],
      [{ minDist: 2, spread: 1.5 }, "minDist must be a number in [0, spread = 1.5] (got 2)"],
      [{ epochs: 0 }, "epochs must be 'auto' or an integer ≥ 1 (got 0)"],
      [{ learningRate: Number.NaN }, "learningRate must be a finite number > 0 (got NaN)"],
      [{ negativeSampleRate: 0 }, "negativeSampleRate must be an integer ≥ 1 (got 0)"],
      [{ seed: 0.5 }, "seed must be an integer (got 0.5)"],
      [{ threads: 0 }, "threads must be an integer ≥ 1 (got 0)"],
      [{ init: "tsne" as "pca" }, "init must be 'pca', 'random' or a Float32Array [rows, 2] (got 'tsne')"],
      [{ init: "spectral" }, "init 'spectral' is not implemented: use 'pca' (the default) or 'random'"],
      [{ init: new Float32Array(99) }, "init must hold rows * 2 = 100 values (got 99)"],
      [{ init: new Float32Array(100).fill(Number.NaN) }, "init[0] must be finite (got NaN)"],
    ];
    for (const [options, message] of cases) expect(() => resolveUmapOptions(options, 50)).toThrow(message);
  });

  it("rejects a kNN graph narrower than nNeighbors - 1 or of the wrong size", () => {
    const knn = { k: 9, indices: new Int32Array(50 * 9), distancesSq: new Float64Array(50 * 9) };
    expect(() => resolveUmapOptions({ knn, nNeighbors: 11 }, 50)).toThrow(
      "knn.k must be at least nNeighbors - 1 = 10 (got 9)",
    );
    expect(resolveUmapOptions({ knn, nNeighbors: 10 }, 50).knn).toBe(knn);
    expect(() => resolveUmapOptions({ knn, nNeighbors: 10 }, 40)).toThrow(
      "knn must hold rows * k = 360 neighbours (got 450 indices, 450 distances)",
    );
  });

  it("is applied by umap() before any work, and umap() checks its input matrix", () => {
    const input = randomMatrix(30, 4, 1);
    expect(() => umap(input, { minDist: 3 })).toThrow("minDist must be a number in [0, spread = 1] (got 3)");
    expect(() => umap({ data: new Float32Array(5), rows: 2, cols: 3 })).toThrow(
      "input.data has 5 values, expected rows * cols = 6",
    );
    expect(() => umap(randomMatrix(2, 3, 1))).toThrow("rows must be at least 3 for UMAP (got 2)");
  });
});

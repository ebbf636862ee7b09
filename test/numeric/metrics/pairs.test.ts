import { describe, expect, it } from "vitest";
import { createRng } from "../../../lib/numeric/random";
import {
  closestToOther,
  isSeedPair,
  meanImage,
  pairSeparation,
  parsePair,
  rankPairs,
} from "../../../lib/numeric/metrics/pairs";
import { computeFlips, confusionDifference } from "../../../lib/numeric/metrics/compare";

function gaussianClusters(centres: number[][], perClass: number, spread: number, seed: number) {
  const rng = createRng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const cols = centres[0]!.length;
  const data = new Float32Array(centres.length * perClass * cols);
  const labels = new Uint8Array(centres.length * perClass);
  centres.forEach((c, ci) => {
    for (let p = 0; p < perClass; p++) {
      const row = ci * perClass + p;
      labels[row] = ci === 0 ? 4 : 9;
      for (let d = 0; d < cols; d++) data[row * cols + d] = c[d]! + spread * normal();
    }
  });
  return { data, labels, cols };
}

describe("confusable pairs", () => {
  it("rankPairs lists all 45 pairs, most confused first, with each direction", () => {
    const confusion = new Array(100).fill(0);
    confusion[4 * 10 + 9] = 7;
    confusion[9 * 10 + 4] = 5;
    confusion[7 * 10 + 1] = 3;
    confusion[3 * 10 + 3] = 900;
    const pairs = rankPairs(confusion);
    expect(pairs).toHaveLength(45);
    expect(pairs[0]).toEqual({ a: 4, b: 9, aAsB: 7, bAsA: 5, total: 12 });
    expect(pairs[1]).toEqual({ a: 1, b: 7, aAsB: 0, bAsA: 3, total: 3 });
    for (let i = 1; i < pairs.length; i++) expect(pairs[i - 1]!.total).toBeGreaterThanOrEqual(pairs[i]!.total);
  });

  it("parsePair reads either order and rejects a digit paired with itself", () => {
    expect(parsePair("9-4")).toEqual([4, 9]);
    expect(parsePair("4-4")).toBeNull();
    expect(parsePair("4-10")).toBeNull();
    expect(isSeedPair(9, 4)).toBe(true);
    expect(isSeedPair(0, 8)).toBe(false);
  });

  it("perfectly separated clusters have kNN purity 1 and a high silhouette", () => {
    const { data, labels, cols } = gaussianClusters(
      [
        [0, 0, 0],
        [10, 10, 10],
      ],
      60,
      0.5,
      1,
    );
    const s = pairSeparation(data, cols, labels, 4, 9);
    expect(s.knnPurity).toBe(1);
    expect(s.silhouette).toBeGreaterThan(0.8);
    expect(s.count).toBe(120);
  });

  it("identical clusters score about chance: purity near 0.5 and silhouette near 0", () => {
    const { data, labels, cols } = gaussianClusters(
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      150,
      1,
      2,
    );
    const s = pairSeparation(data, cols, labels, 4, 9);
    expect(s.knnPurity).toBeGreaterThan(0.4);
    expect(s.knnPurity).toBeLessThan(0.6);
    expect(Math.abs(s.silhouette)).toBeLessThan(0.05);
  });

  it("a class with fewer than two points has no separation score", () => {
    const s = pairSeparation(new Float32Array(6), 2, Uint8Array.from([4, 4, 9]), 4, 9);
    expect(s.knnPurity).toBeNaN();
  });

  it("meanImage averages a class's pixels in 0..1", () => {
    const pixels = Uint8Array.from([255, 0, 0, 255, 51, 51]);
    const mean = meanImage(pixels, Uint8Array.from([4, 4, 9]), 4, 2);
    expect(Array.from(mean)).toEqual([0.5, 0.5]);
  });

  it("closestToOther ranks digits of a by the margin p(a) - p(b), negative first", () => {
    const probs = new Float32Array(30);
    probs.set([0.9, 0.1], 4); // digit 0: p4 = 0.9, p5 = 0.1
    probs[10 + 4] = 0.3;
    probs[10 + 9] = 0.6; // digit 1: mistaken for 9
    probs[20 + 4] = 0.5;
    probs[20 + 9] = 0.4;
    const ranked = closestToOther(probs, Uint8Array.from([4, 4, 4]), 4, 9);
    expect(ranked.map((r) => r.index)).toEqual([1, 2, 0]);
    expect(ranked[0]!.margin).toBeCloseTo(-0.3);
  });
});

describe("run comparison", () => {
  it("computeFlips splits digits one run got right and the other wrong", () => {
    const labels = Uint8Array.from([1, 2, 3, 4]);
    const flips = computeFlips(Uint8Array.from([1, 0, 3, 0]), Uint8Array.from([1, 2, 0, 0]), labels);
    expect(Array.from(flips.fixedByA)).toEqual([2]);
    expect(Array.from(flips.fixedByB)).toEqual([1]);
  });

  it("confusionDifference is B minus A", () => {
    expect(confusionDifference([1, 2], [3, 1])).toEqual([2, -1]);
  });
});

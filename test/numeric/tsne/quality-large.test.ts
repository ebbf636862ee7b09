// The quality figures above 2,000 points, where trustworthiness used to sample: exact against plain loops on 2,300
// MNIST digits with repeated rows, and the same on one and two threads. Slow (a plain O(n² · 784) reference): in
// vitest.config.ts's INTEGRATION list.
import { afterAll, describe, expect, it } from "vitest";
import { layoutQuality } from "@/lib/numeric/tsne/quality";
import { pca2d } from "@/lib/numeric/tsne/pca";
import { getPool } from "@/lib/numeric/parallel";
import type { Matrix } from "@/lib/numeric/tsne/matrix";
import { mnistTestDigits } from "./helpers";

/** Row i's plain squared distances (float64, column order) to every row. */
function distancesFrom({ data, rows, cols }: Matrix, i: number, out: Float64Array): void {
  for (let l = 0; l < rows; l++) {
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const d = data[i * cols + c]! - data[l * cols + c]!;
      s += d * d;
    }
    out[l] = s;
  }
}

/** Row i's k nearest others by (distance, row), nearest first: insertion into a sorted list of k. */
function nearest(d: Float64Array, i: number, k: number): number[] {
  const best: number[] = [];
  for (let l = 0; l < d.length; l++) {
    if (l === i) continue;
    const last = best[best.length - 1];
    if (best.length === k && last !== undefined && d[l]! >= d[last]!) continue;
    let at = best.length;
    while (at > 0 && d[best[at - 1]!]! > d[l]!) at--;
    best.splice(at, 0, l);
    if (best.length > k) best.pop();
  }
  return best;
}

function vote(neighbours: number[], labels: Uint8Array): number {
  const votes = new Map<number, number>();
  for (const l of neighbours) votes.set(labels[l]!, (votes.get(labels[l]!) ?? 0) + 1);
  let best = -1;
  for (const l of neighbours) if (best < 0 || votes.get(labels[l]!)! > votes.get(best)!) best = labels[l]!;
  return best;
}

describe("layoutQuality above 2,000 points", () => {
  afterAll(() => getPool(2).close());

  it("is exact on every point, without sampling, and the same on one and two threads", () => {
    const n = 2300;
    const k = 10;
    const { matrix: high, labels } = mnistTestDigits(n);
    for (let r = 2100; r < n; r += 97) {
      high.data.copyWithin(r * 784, (r - 2000) * 784, (r - 1999) * 784);
      labels[r] = labels[r - 2000]!;
    }
    const low = { data: pca2d(high), rows: n, cols: 2 };
    const two = layoutQuality(high, low, labels, k, { threads: 2 });
    expect(layoutQuality(high, low, labels, k, { threads: 1 })).toEqual(two);

    const dHigh = new Float64Array(n);
    const dLow = new Float64Array(n);
    let correctHigh = 0;
    let correctLow = 0;
    let penalty = 0;
    for (let i = 0; i < n; i++) {
      distancesFrom(high, i, dHigh);
      distancesFrom(low, i, dLow);
      if (vote(nearest(dHigh, i, k), labels) === labels[i]) correctHigh++;
      const lowNeighbours = nearest(dLow, i, k);
      if (vote(lowNeighbours, labels) === labels[i]) correctLow++;
      for (const j of lowNeighbours) {
        let rank = 1;
        for (let l = 0; l < n; l++) if (l !== i && (dHigh[l]! < dHigh[j]! || (dHigh[l] === dHigh[j] && l < j))) rank++;
        penalty += Math.max(0, rank - k);
      }
    }
    expect(two.knnAccuracyHigh).toBe(correctHigh / n);
    expect(two.knnAccuracyLayout).toBe(correctLow / n);
    expect(two.trustworthiness).toBe(1 - (2 * penalty) / (n * k * (2 * n - 3 * k - 1)));
  });
});

// Recall of an approximate kNN graph against the exact one, shared by the approximate kNN's tests.
import type { KnnGraph } from "@/lib/numeric/tsne/knn";

/** Share of the exact graph's neighbours [rows, k] that the approximate graph [rows, k] holds, over all rows. */
export function recallOf(approx: KnnGraph, exact: KnnGraph): number {
  const k = exact.k;
  const rows = exact.indices.length / k;
  let found = 0;
  for (let i = 0; i < rows; i++) {
    const mine = new Set(approx.indices.subarray(i * k, i * k + k));
    for (let t = 0; t < k; t++) if (mine.has(exact.indices[i * k + t]!)) found++;
  }
  return found / (rows * k);
}

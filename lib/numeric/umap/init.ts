// UMAP's starting layouts: PCA or random in umap-learn's [0, 10] box, or a previous layout kept as it is (warm start).
import type { Matrix } from "../tsne/matrix";
import { pca } from "../tsne/pca";

/** umap-learn's initial box half-width and the noise it adds to a computed init. */
const MAX_COORD = 10;
const INIT_NOISE = 1e-4;

/**
 * The first two principal components of `data` [rows, cols] as [rows, 2] float64; from `projected` (the first two
 * columns of an existing PCA of the same rows, [rows, ≥ 2]) when given, as it holds the same axes.
 */
export function pcaLayout(data: Matrix, projected?: Matrix): Float64Array {
  const source = projected && projected.cols >= 2 ? projected : pca(data, Math.min(2, data.cols)).projected;
  const out = new Float64Array(data.rows * 2);
  for (let r = 0; r < data.rows; r++) {
    out[2 * r] = source.data[r * source.cols]!;
    if (source.cols >= 2) out[2 * r + 1] = source.data[r * source.cols + 1]!;
  }
  return out;
}

/**
 * A computed init as umap-learn prepares one: scaled so the largest |coordinate| is 10, plus Gaussian noise of
 * std 1e-4 (so coincident points can separate), then each axis mapped onto [0, 10] (umap-learn does that to every
 * init before its SGD). In place; returns `layout`.
 */
export function scaleLayout(layout: Float64Array, rng: () => number): Float64Array {
  let largest = 0;
  for (let i = 0; i < layout.length; i++) largest = Math.max(largest, Math.abs(layout[i]!));
  const expansion = largest > 0 ? MAX_COORD / largest : 1;
  for (let i = 0; i < layout.length; i++) layout[i] = layout[i]! * expansion + INIT_NOISE * gaussian(rng);
  return toBox(layout);
}

/** Uniform coordinates in ±10 (umap-learn's random init), then mapped onto [0, 10] per axis as umap-learn does. */
export function randomLayout(rows: number, rng: () => number): Float64Array {
  const layout = new Float64Array(rows * 2);
  for (let i = 0; i < layout.length; i++) layout[i] = (2 * rng() - 1) * MAX_COORD;
  return toBox(layout);
}

/** Each axis of a [rows, 2] layout mapped linearly onto [0, 10]; a constant axis becomes 0. In place. */
function toBox(layout: Float64Array): Float64Array {
  for (let d = 0; d < 2; d++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = d; i < layout.length; i += 2) {
      lo = Math.min(lo, layout[i]!);
      hi = Math.max(hi, layout[i]!);
    }
    const scale = hi > lo ? MAX_COORD / (hi - lo) : 0;
    for (let i = d; i < layout.length; i += 2) layout[i] = (layout[i]! - lo) * scale;
  }
  return layout;
}

/** A standard normal draw (Box–Muller) from a uniform RNG. */
function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

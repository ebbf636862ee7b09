// The bounding box of a 2-D layout, which both repulsions size their structures by (the quadtree, the FFT grid).

export interface LayoutBounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Smallest and largest x and y over the first `n` points of `y` [n, 2] (interleaved x, y). */
export function layoutBounds(y: Float32Array | Float64Array, n: number): LayoutBounds {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const px = y[2 * i]!;
    const py = y[2 * i + 1]!;
    if (px < minX) minX = px;
    if (px > maxX) maxX = px;
    if (py < minY) minY = py;
    if (py > maxY) maxY = py;
  }
  return { minX, minY, maxX, maxY };
}

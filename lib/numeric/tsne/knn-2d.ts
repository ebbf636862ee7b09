// Exact k nearest neighbours of 2-D points (a layout) on a uniform grid: computeKnn's answer without its n² panel.
// Written here: the quality figures need computeKnn's exact distances and row-number ties, which no k-d tree package
// on the registry promises; on a 2,000-point layout the panels took 29 ms, the grid 2.
import { insertSorted, replaceTop } from "../panel-nearest";
import { checkK, type KnnGraph } from "./knn";
import { layoutBounds } from "./layout-bounds";
import type { Matrix } from "./matrix";

/** Points per grid cell on average: rings of a few cells then hold k = 10 neighbours. */
const POINTS_PER_CELL = 2;

/**
 * Each row's k nearest other rows of `layout` [rows, 2], nearest first, by (x − x')² + (y − y')² in float64, ties by
 * row number: exactly computeKnn(layout, k). Rows go into cells of a uniform grid over the bounding box; a row's
 * cells are visited ring by ring around its own, until the ring's nearest possible point is farther than its k-th
 * nearest so far. O(rows · k) for spread-out points; piled-up points (one cell holding many) cost up to n² as the
 * panels do.
 */
export function layoutKnn(layout: Matrix, k: number): KnnGraph {
  const { data, rows: n, cols } = layout;
  if (cols !== 2) throw new RangeError(`layoutKnn takes 2 columns (got ${cols})`);
  checkK(k, n);
  for (let e = 0; e < 2 * n; e++)
    if (!Number.isFinite(data[e]!)) throw new RangeError(`row ${e >> 1} of the layout is not finite`);
  const { minX, minY, maxX, maxY } = layoutBounds(data, n);
  const spanX = maxX - minX;
  const spanY = maxY - minY;
  // Square cells of about POINTS_PER_CELL points over the box (a line of points gets cells along it).
  const area = Math.max(spanX * spanY, (Math.max(spanX, spanY) * Math.max(spanX, spanY)) / n);
  const side = area > 0 ? Math.sqrt((area * POINTS_PER_CELL) / n) : 1;
  // At most n / √2 + 1 cells a side, since side ≥ the longer span · √(2) / n.
  const gx = Math.floor(spanX / side) + 1;
  const gy = Math.floor(spanY / side) + 1;
  const cellOf = (i: number): number => {
    const cx = Math.min(gx - 1, Math.floor((data[2 * i]! - minX) / side));
    const cy = Math.min(gy - 1, Math.floor((data[2 * i + 1]! - minY) / side));
    return cy * gx + cx;
  };
  // Rows by cell (counting sort, rows ascending within a cell).
  const cells = gx * gy;
  const start = new Int32Array(cells + 1);
  const cell = new Int32Array(n);
  for (let i = 0; i < n; i++) start[(cell[i] = cellOf(i)) + 1]!++;
  for (let c = 0; c < cells; c++) start[c + 1]! += start[c]!;
  const members = new Int32Array(n);
  const next = start.slice(0, cells);
  for (let i = 0; i < n; i++) members[next[cell[i]!]!++] = i;

  const indices = new Int32Array(n * k);
  const distancesSq = new Float64Array(n * k);
  const heapDist = new Float64Array(k);
  const heapRow = new Int32Array(k);
  const rings = Math.max(gx, gy);
  for (let i = 0; i < n; i++) {
    const x = data[2 * i]!;
    const y = data[2 * i + 1]!;
    const cx = cell[i]! % gx;
    const cy = (cell[i]! - cx) / gx;
    heapDist.fill(Infinity);
    heapRow.fill(n);
    const visitCell = (c: number) => {
      for (let m = start[c]!; m < start[c + 1]!; m++) {
        const l = members[m]!;
        if (l === i) continue;
        const dx = x - data[2 * l]!;
        const dy = y - data[2 * l + 1]!;
        const d = 0 + dx * dx + dy * dy;
        // The heap's root is its farthest (and, among equals, highest-numbered) row.
        if (d < heapDist[0]! || (d === heapDist[0]! && l < heapRow[0]!)) {
          replaceTop(heapDist, heapRow, 0, k, d, l);
          restoreTies(heapDist, heapRow, k);
        }
      }
    };
    for (let r = 0; r < rings; r++) {
      if (r > 0) {
        // Every point of ring r lies at least (r − 1) · side away on some axis: stop once the k-th nearest is nearer.
        const reach = (r - 1) * side;
        if (heapDist[0]! < reach * reach * (1 - 1e-12)) break;
      }
      for (let oy = -r; oy <= r; oy++) {
        const py = cy + oy;
        if (py < 0 || py >= gy) continue;
        const edge = oy === -r || oy === r;
        for (let ox = -r; ox <= r; ox += edge ? 1 : 2 * r) {
          const px = cx + ox;
          if (px >= 0 && px < gx) visitCell(py * gx + px);
          if (r === 0) break;
        }
      }
    }
    // Nearest first, ties by row: insertion into the output row (k is small).
    for (let t = 0; t < k; t++) insertSorted(indices, distancesSq, i * k, t, heapDist[t]!, heapRow[t]!);
  }
  return { k, indices, distancesSq };
}

/**
 * Makes the max-heap's root the highest-numbered of the rows tied at the largest distance, so the next candidate at
 * that distance replaces it only if its number is lower (computeKnn's tie rule). Ties are rare: a linear pass.
 */
function restoreTies(dist: Float64Array, row: Int32Array, k: number): void {
  const top = dist[0]!;
  let at = 0;
  for (let t = 1; t < k; t++) if (dist[t] === top && row[t]! > row[at]!) at = t;
  if (at === 0) return;
  const r = row[0]!;
  row[0] = row[at]!;
  row[at] = r;
}

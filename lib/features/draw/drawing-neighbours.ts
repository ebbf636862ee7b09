// The nearest test digits of a drawing in the run's last hidden layer, and where the drawing falls in that layer's
// stored t-SNE layout of the test subset.
import "server-only";
import type { Db } from "../../db/client";
import { getLastTestLayer } from "../../db/draw";
import { getFinalTsneCoords } from "../../db/projections";
import { loadMnist } from "../../mnist/dataset";
import { queryKnn } from "../../numeric/tsne/knn";

export interface DrawingNeighbour {
  /** Row of the test subset, which is also the test digit's index. */
  row: number;
  label: number;
  /** Euclidean distance between the activations. */
  distance: number;
}

export interface DrawingNeighbours {
  layerIndex: number;
  layerName: string;
  neighbours: DrawingNeighbour[];
  /** Inverse-distance weighted mean of the neighbours' layout positions; null when the run has no such layout. */
  position: { x: number; y: number } | null;
}

/** Why no answer: the run stores no test embedding, or the vector's length is not the layer's width. */
export type DrawingNeighboursMiss = { miss: "no-embedding" } | { miss: "width"; expected: number };

/**
 * Weighted mean of `rows`' points in `coords` [n, 2], weights 1 / distance (an exact match, distance 0, takes all
 * the weight): the drawing's place among the digits it resembles.
 */
export function placeAmongNeighbours(
  coords: Float32Array,
  neighbours: readonly Pick<DrawingNeighbour, "row" | "distance">[],
): { x: number; y: number } | null {
  const exact = neighbours.filter((n) => n.distance === 0);
  const used = exact.length > 0 ? exact : neighbours;
  let wx = 0,
    wy = 0,
    total = 0;
  for (const n of used) {
    const x = coords[2 * n.row],
      y = coords[2 * n.row + 1];
    if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    const w = exact.length > 0 ? 1 : 1 / n.distance;
    wx += w * x;
    wy += w * y;
    total += w;
  }
  return total > 0 ? { x: wx / total, y: wy / total } : null;
}

/**
 * The `k` test digits nearest to `hidden` (the drawing's activations of the run's last hidden layer, as the model in
 * the browser computed them) by exact search with the one distance engine: the vector joins the stored embedding as
 * one more row and that row is queried.
 */
export async function findDrawingNeighbours(
  db: Db,
  runId: number,
  hidden: Float32Array,
  k: number,
): Promise<DrawingNeighbours | DrawingNeighboursMiss> {
  const stored = await getLastTestLayer(db, runId);
  if (!stored || stored.rows < 1) return { miss: "no-embedding" };
  if (hidden.length !== stored.cols) return { miss: "width", expected: stored.cols };
  const { layerIndex } = stored;
  const data = new Float32Array((stored.rows + 1) * stored.cols);
  data.set(stored.data);
  data.set(hidden, stored.rows * stored.cols);
  const knn = queryKnn(
    { data, rows: stored.rows + 1, cols: stored.cols },
    Int32Array.of(stored.rows),
    Math.min(k, stored.rows),
  );
  const labels = loadMnist().test.labels;
  const neighbours = Array.from(knn.indices, (row, i) => ({
    row,
    label: labels[row]!,
    distance: Math.sqrt(knn.distancesSq[i]!),
  }));
  const coords = await getFinalTsneCoords(db, runId, { subset: "test", epoch: 0, layerIndex });
  return {
    layerIndex,
    layerName: stored.layerName,
    neighbours,
    position: coords ? placeAmongNeighbours(coords, neighbours) : null,
  };
}

// Named reads of the embedding explorer: projection catalog, labels and predictions, coordinates, pixels, neighbours.
import "server-only";
import type { Db } from "./client";
import { blobToFloat32, blobToUint8 } from "./blobs";
import { loadMnist } from "../mnist/dataset";
import { getSubsetIndices } from "./projections";
import { IMAGE_PIXELS, NUM_CLASSES, PIXELS_LAYER } from "../core/constants";
import { listSources, loadSourceMatrix } from "../features/projection/sources";
import { queryKnn } from "../numeric/tsne/knn";
import { buildSeries, bytesToDigits, type NeighboursQuery, type ProjectionQuery, type SeriesInfo, type Subset, type SubsetPoints } from "../chart/scatter-view";

/** Every projection series of a run (metadata only, no coordinates), with the layers' model names. */
export async function fetchExplorerSeries(db: Db, runId: number): Promise<SeriesInfo[]> {
  const [rows, layers] = await Promise.all([
    db.prisma.projection.findMany({
      where: { runId },
      select: {
        subset: true, layerIndex: true, method: true, epoch: true, iteration: true, final: true, rows: true,
        knnAccuracy: true, trustworthiness: true, klDivergence: true,
      },
    }),
    db.prisma.embedding.findMany({ where: { runId }, select: { layerIndex: true, layerName: true }, distinct: ["layerIndex"] }),
  ]);
  return buildSeries(rows, new Map(layers.map((l) => [l.layerIndex, l.layerName])));
}

/** How many of the run's possible final layouts (PCA and t-SNE of every recorded embedding and of pixels) are not stored yet. */
export function countMissingProjections(db: Db, runId: number, series: readonly SeriesInfo[]): { missing: number; total: number } {
  const have = new Set(series.flatMap((s) => s.frames.filter((f) => f.final).map((f) => `${s.subset}/${f.epoch}/${s.layerIndex}/${s.method}`)));
  const wanted = listSources(db, runId).flatMap((src) => ["pca", "tsne"].map((m) => `${src.subset}/${src.epoch}/${src.layerIndex}/${m}`));
  return { missing: wanted.filter((k) => !have.has(k)).length, total: wanted.length };
}

/** Labels of `count` probabilities rows [count, 10] by argmax (first maximum on ties). */
function argmaxRows(probs: Float32Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    let best = 0;
    for (let c = 1; c < NUM_CLASSES; c++) if (probs[r * NUM_CLASSES + c]! > probs[r * NUM_CLASSES + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/**
 * Rows, true labels and predictions of both subsets: probe predictions per epoch from Epoch.probeProbs, final ones
 * from TestPredictions.predicted (probe rows pick theirs by test index). Null for an unknown run.
 */
export function fetchExplorerPoints(db: Db, runId: number): Record<Subset, SubsetPoints> | null {
  const probeIndices = getSubsetIndices(db, runId, "probe");
  const testIndices = getSubsetIndices(db, runId, "test");
  if (!probeIndices || !testIndices) return null;
  const labels = loadMnist().test.labels;
  const final = db.sqlite.prepare("SELECT count, predicted FROM TestPredictions WHERE runId = ?").get(runId) as
    | { count: number; predicted: Buffer }
    | undefined;
  const finalLabels = final ? blobToUint8(final.predicted) : null;
  const epochs = db.sqlite
    .prepare("SELECT epoch, probeProbs FROM Epoch WHERE runId = ? AND probeProbs IS NOT NULL ORDER BY epoch")
    .all(runId) as Array<{ epoch: number; probeProbs: Buffer }>;
  const probeRows = probeIndices.length;
  const probe: SubsetPoints = {
    subset: "probe",
    rows: probeRows,
    indices: Array.from(probeIndices),
    labels: bytesToDigits(Array.from(probeIndices, (i) => labels[i]!)),
    epochPredictions: epochs
      .filter((e) => e.probeProbs.byteLength === probeRows * NUM_CLASSES * 4)
      .map((e) => ({ epoch: e.epoch, predicted: bytesToDigits(argmaxRows(blobToFloat32(e.probeProbs), probeRows)) })),
    finalPredicted: finalLabels && probeIndices.every((i) => i < finalLabels.length) ? bytesToDigits(Array.from(probeIndices, (i) => finalLabels[i]!)) : null,
  };
  const test: SubsetPoints = {
    subset: "test",
    rows: testIndices.length,
    indices: null,
    labels: bytesToDigits(labels.subarray(0, testIndices.length)),
    epochPredictions: [],
    finalPredicted: finalLabels && finalLabels.length >= testIndices.length ? bytesToDigits(finalLabels.subarray(0, testIndices.length)) : null,
  };
  return { probe, test };
}

/** One stored layout float32 [rows, 2] with an ETag that changes if it is ever recomputed; null when absent. */
export function fetchProjectionBlob(db: Db, runId: number, q: ProjectionQuery): { coords: Buffer; rows: number; etag: string } | null {
  const row = db.sqlite
    .prepare(
      "SELECT id, rows, coords, createdAt FROM Projection WHERE runId = ? AND subset = ? AND epoch = ? AND layerIndex = ? AND method = ? AND iteration = ?",
    )
    .get(runId, q.subset, q.epoch, q.layer, q.method, q.iteration) as { id: number; rows: number; coords: Buffer; createdAt: string | number } | undefined;
  if (!row) return null;
  return { coords: row.coords, rows: row.rows, etag: `"projection-${row.id}-${String(row.createdAt).replace(/\W/g, "")}"` };
}

/** Pixels of a subset's digits in row order, uint8 [rows, 784]; null for an unknown run. */
export function fetchSubsetPixels(db: Db, runId: number, subset: Subset): Uint8Array<ArrayBuffer> | null {
  const indices = getSubsetIndices(db, runId, subset);
  if (!indices) return null;
  const pixels = loadMnist().test.pixels;
  const out = new Uint8Array(indices.length * IMAGE_PIXELS);
  indices.forEach((digit, r) => out.set(pixels.subarray(digit * IMAGE_PIXELS, (digit + 1) * IMAGE_PIXELS), r * IMAGE_PIXELS));
  return out;
}

export interface Neighbour {
  row: number;
  /** Euclidean distance in the original space (activations, or pixels scaled to 0..1). */
  distance: number;
}

/**
 * The k nearest rows of `q.row` in the ORIGINAL space the layout was computed from (the stored activations of
 * that layer and epoch, or raw pixels), exact by brute force: 10,000 × 512 is about 5 M multiply-adds.
 * Null when the embedding does not exist or the row is out of range.
 */
export function fetchNeighbours(db: Db, runId: number, q: NeighboursQuery): Neighbour[] | null {
  const exists = q.layer === PIXELS_LAYER
    ? db.sqlite.prepare("SELECT 1 FROM Run WHERE id = ?").get(runId)
    : db.sqlite.prepare("SELECT 1 FROM Embedding WHERE runId = ? AND subset = ? AND epoch = ? AND layerIndex = ?").get(runId, q.subset, q.epoch, q.layer);
  if (!exists) return null;
  // sourceIndices reads `rows` for the test subset's pixels (rows 0..testSize-1).
  const rows = getSubsetIndices(db, runId, q.subset)?.length ?? 0;
  const matrix = loadSourceMatrix(db, runId, { subset: q.subset, epoch: q.epoch, layerIndex: q.layer, layerName: "", rows, cols: 0 });
  if (q.row >= matrix.rows || matrix.rows < 2) return null;
  const knn = queryKnn(matrix, Int32Array.of(q.row), Math.min(q.k, matrix.rows - 1));
  return Array.from(knn.indices, (row, i) => ({ row, distance: Math.sqrt(knn.distancesSq[i]!) }));
}

// What a run's pair separation is measured in: its probe digits' labels, stored activations and raw pixels.
import "server-only";
import type { Db } from "./client";
import { blobToFloat32 } from "./blobs";
import { loadMnist } from "./digits";
import { getSubsetIndices } from "./projections";
import { IMAGE_PIXELS } from "../core/constants";

/** One stored probe embedding: a hidden layer after an epoch. */
export interface EmbeddingKey {
  epoch: number;
  layerIndex: number;
  layerName: string;
  cols: number;
  dtype: string;
}

/** The run's probe digits: their test indices and true labels, in row order (empty without a probe set). */
export function probeLabels(db: Db, runId: number): { indices: Int32Array; labels: Uint8Array } {
  const indices = getSubsetIndices(db, runId, "probe") ?? new Int32Array(0);
  const testLabels = loadMnist().test.labels;
  return { indices, labels: Uint8Array.from(indices, (i) => testLabels[i]!) };
}

/** Every probe embedding of the run, by epoch then layer. */
export function embeddingKeys(db: Db, runId: number): EmbeddingKey[] {
  return db.sqlite
    .prepare("SELECT epoch, layerIndex, layerName, cols, dtype FROM Embedding WHERE runId = ? AND subset = 'probe' ORDER BY epoch, layerIndex")
    .all(runId) as EmbeddingKey[];
}

/** One probe embedding's activations [probe size, cols], read through better-sqlite3 (a 4 MB blob in the seed). */
export function loadProbeEmbedding(db: Db, runId: number, key: EmbeddingKey, rows: number): Float32Array {
  const name = `run ${runId} embedding probe/${key.epoch}/${key.layerIndex}`;
  if (key.dtype !== "float32") throw new Error(`${name} is ${key.dtype}, expected float32`);
  const row = db.sqlite
    .prepare("SELECT data FROM Embedding WHERE runId = ? AND subset = 'probe' AND epoch = ? AND layerIndex = ?")
    .get(runId, key.epoch, key.layerIndex) as { data: Buffer } | undefined;
  if (!row) throw new Error(`${name} is not stored`);
  const data = blobToFloat32(row.data);
  if (data.length !== rows * key.cols) throw new RangeError(`${name} has ${data.length} values, expected ${rows} x ${key.cols}`);
  return data;
}

/** The probe digits' pixels [indices, 784] scaled to 0..1 as the network sees them (float32, as the page always used). */
export function probePixels(indices: Int32Array): Float32Array {
  const pixels = loadMnist().test.pixels;
  const out = new Float32Array(indices.length * IMAGE_PIXELS);
  indices.forEach((digit, r) => {
    for (let c = 0; c < IMAGE_PIXELS; c++) out[r * IMAGE_PIXELS + c] = pixels[digit * IMAGE_PIXELS + c]! / 255;
  });
  return out;
}

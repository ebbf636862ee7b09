// What can be projected for a run: its recorded embeddings and the raw pixels of the same digits.
import "server-only";
import type { Db } from "../../db/client";
import { blobToFloat32, blobToInt32 } from "../../db/blobs";
import { loadMnist } from "../../mnist/dataset";
import { IMAGE_PIXELS, PIXELS_LAYER } from "../../core/constants";
import type { Matrix } from "../../numeric/tsne/matrix";

/** One matrix to project: the probe set at an epoch, or every evaluated test digit of the final model (epoch 0). */
export interface ProjectionSource {
  subset: "probe" | "test";
  epoch: number;
  layerIndex: number;
  layerName: string;
  rows: number;
  cols: number;
}

export function sourceKey(s: Pick<ProjectionSource, "subset" | "epoch" | "layerIndex">): string {
  return `${s.subset}/${s.epoch}/${s.layerIndex}`;
}

/** Every source of a run, in the order they are best computed: final test views first, then epochs in order. */
export function listSources(db: Db, runId: number): ProjectionSource[] {
  const run = db.sqlite.prepare("SELECT probeSize, testSize FROM Run WHERE id = ?").get(runId) as { probeSize: number; testSize: number } | undefined;
  if (!run) throw new Error(`run ${runId} does not exist`);
  const embeddings = db.sqlite
    .prepare("SELECT subset, epoch, layerIndex, layerName, rows, cols FROM Embedding WHERE runId = ? ORDER BY subset DESC, epoch, layerIndex")
    .all(runId) as ProjectionSource[];
  const sources: ProjectionSource[] = [];
  const test = embeddings.filter((e) => e.subset === "test");
  if (test.length > 0) {
    sources.push(...test, { subset: "test", epoch: 0, layerIndex: PIXELS_LAYER, layerName: "pixels", rows: test[0]!.rows, cols: IMAGE_PIXELS });
  }
  if (run.probeSize > 0) {
    sources.push({ subset: "probe", epoch: 0, layerIndex: PIXELS_LAYER, layerName: "pixels", rows: run.probeSize, cols: IMAGE_PIXELS });
  }
  sources.push(...embeddings.filter((e) => e.subset === "probe"));
  return sources;
}

/** Test-set indices of a source's rows, in row order. */
export function sourceIndices(db: Db, runId: number, source: ProjectionSource): Int32Array {
  if (source.subset === "test") return Int32Array.from({ length: source.rows }, (_, i) => i);
  const row = db.sqlite.prepare("SELECT probeIndices FROM Run WHERE id = ?").get(runId) as { probeIndices: Buffer | null };
  if (!row.probeIndices) throw new Error(`run ${runId} has no probe set`);
  return blobToInt32(row.probeIndices);
}

/** The source's data as a float32 matrix [rows, cols]: stored activations, or pixels scaled to 0..1. */
export function loadSourceMatrix(db: Db, runId: number, source: ProjectionSource): Matrix {
  if (source.layerIndex === PIXELS_LAYER) {
    const pixels = loadMnist().test.pixels;
    const indices = sourceIndices(db, runId, source);
    const data = new Float32Array(indices.length * IMAGE_PIXELS);
    indices.forEach((digit, r) => {
      for (let k = 0; k < IMAGE_PIXELS; k++) data[r * IMAGE_PIXELS + k] = pixels[digit * IMAGE_PIXELS + k]! / 255;
    });
    return { data, rows: indices.length, cols: IMAGE_PIXELS };
  }
  const row = db.sqlite
    .prepare("SELECT data, rows, cols, dtype FROM Embedding WHERE runId = ? AND subset = ? AND epoch = ? AND layerIndex = ?")
    .get(runId, source.subset, source.epoch, source.layerIndex) as { data: Buffer; rows: number; cols: number; dtype: string } | undefined;
  if (!row) throw new Error(`run ${runId} has no embedding ${sourceKey(source)}`);
  if (row.dtype !== "float32") throw new Error(`embedding ${sourceKey(source)} is ${row.dtype}, expected float32`);
  return { data: blobToFloat32(row.data), rows: row.rows, cols: row.cols };
}

/** True labels of a source's rows. */
export function sourceLabels(db: Db, runId: number, source: ProjectionSource): Uint8Array {
  const labels = loadMnist().test.labels;
  return Uint8Array.from(sourceIndices(db, runId, source), (i) => labels[i]!);
}

/** A source in words, for messages: "probe set, layer 1 (dense_Dense2), epoch 3" or "test set, raw pixels". */
export function describeSource(s: Pick<ProjectionSource, "subset" | "epoch" | "layerIndex" | "layerName">): string {
  if (s.layerIndex === PIXELS_LAYER) return `${s.subset} set, raw pixels`;
  return `${s.subset} set, layer ${s.layerIndex} (${s.layerName}), ${s.epoch === 0 ? "final model" : `epoch ${s.epoch}`}`;
}

// A run's sources: the stored embeddings and the raw-pixel baseline of the same digits, listed and loaded as matrices
// for the projection stage, the explorer's neighbours and the pair separation alike.
import "server-only";
import type { Db } from "../../db/client";
import { getRunSubsets } from "../../db/digits";
import { getEmbeddingData, listEmbeddingShapes } from "../../db/embeddings";
import { loadMnist } from "../../mnist/dataset";
import { IMAGE_PIXELS, PIXELS_LAYER } from "../../core/constants";
import type { Subset } from "../../core/projection";
import type { Matrix } from "../../numeric/tsne/matrix";

/** One matrix: the probe set at an epoch, or every evaluated test digit of the final model (epoch 0); pixels are PIXELS_LAYER. */
export interface ProjectionSource {
  subset: Subset;
  epoch: number;
  layerIndex: number;
  layerName: string;
  rows: number;
  cols: number;
}

export function sourceKey(s: Pick<ProjectionSource, "subset" | "epoch" | "layerIndex">): string {
  return `${s.subset}/${s.epoch}/${s.layerIndex}`;
}

function pixelsSource(subset: Subset, rows: number): ProjectionSource {
  return { subset, epoch: 0, layerIndex: PIXELS_LAYER, layerName: "pixels", rows, cols: IMAGE_PIXELS };
}

/** Every source of a run, in the order they are best computed: final test views first, then epochs in order. */
export async function listSources(db: Db, runId: number): Promise<ProjectionSource[]> {
  const [run, shapes] = await Promise.all([getRunSubsets(db, runId), listEmbeddingShapes(db, runId)]);
  if (!run) throw new Error(`run ${runId} does not exist`);
  const embeddings = shapes.flatMap((e): ProjectionSource[] =>
    e.subset === "probe" || e.subset === "test" ? [{ ...e, subset: e.subset }] : [],
  );
  const sources: ProjectionSource[] = [];
  const test = embeddings.filter((e) => e.subset === "test");
  if (test.length > 0) sources.push(...test, pixelsSource("test", test[0]!.rows));
  if (run.probeSize > 0) sources.push(pixelsSource("probe", run.probeSize));
  sources.push(...embeddings.filter((e) => e.subset === "probe"));
  return sources;
}

/** Test-set indices of a subset's rows: the probe indices (empty when none are stored), or 0..testSize-1; null for an unknown run. */
export async function subsetIndices(db: Db, runId: number, subset: Subset): Promise<Int32Array | null> {
  const run = await getRunSubsets(db, runId);
  if (!run) return null;
  if (subset === "test") return Int32Array.from({ length: run.testSize }, (_, i) => i);
  return run.probeIndices ?? new Int32Array(0);
}

/** Test-set indices of a source's rows, in row order. */
export async function sourceIndices(db: Db, runId: number, source: ProjectionSource): Promise<Int32Array> {
  if (source.subset === "test") return Int32Array.from({ length: source.rows }, (_, i) => i);
  const run = await getRunSubsets(db, runId);
  if (!run?.probeIndices) throw new Error(`run ${runId} has no probe set`);
  return run.probeIndices;
}

/** True labels of test digits `indices`, in order. */
function labelsOf(indices: Int32Array): Uint8Array {
  const labels = loadMnist().test.labels;
  return Uint8Array.from(indices, (i) => labels[i]!);
}

/** True labels of a source's rows. */
export async function sourceLabels(db: Db, runId: number, source: ProjectionSource): Promise<Uint8Array> {
  return labelsOf(await sourceIndices(db, runId, source));
}

/** The run's probe digits: their test indices and true labels, in row order (empty without a probe set). */
export async function probeDigits(db: Db, runId: number): Promise<{ indices: Int32Array; labels: Uint8Array }> {
  const indices = (await subsetIndices(db, runId, "probe")) ?? new Int32Array(0);
  return { indices, labels: labelsOf(indices) };
}

/** The pixel baseline: test digits `indices` as a float32 matrix [indices, 784] scaled to 0..1, as the network sees them. */
export function pixelMatrix(indices: Int32Array): Matrix {
  const pixels = loadMnist().test.pixels;
  const data = new Float32Array(indices.length * IMAGE_PIXELS);
  indices.forEach((digit, r) => {
    for (let k = 0; k < IMAGE_PIXELS; k++) data[r * IMAGE_PIXELS + k] = pixels[digit * IMAGE_PIXELS + k]! / 255;
  });
  return { data, rows: indices.length, cols: IMAGE_PIXELS };
}

/** The source's data as a float32 matrix [rows, cols]: stored activations, or pixels scaled to 0..1. */
export async function loadSourceMatrix(db: Db, runId: number, source: ProjectionSource): Promise<Matrix> {
  if (source.layerIndex === PIXELS_LAYER) return pixelMatrix(await sourceIndices(db, runId, source));
  const stored = await getEmbeddingData(db, runId, source);
  if (!stored) throw new Error(`run ${runId} has no embedding ${sourceKey(source)}`);
  return stored;
}

/** A probe source's matrix, checked to hold one row per probe digit (pair separation reads row r as probe digit r). */
export async function loadProbeMatrix(
  db: Db,
  runId: number,
  source: ProjectionSource,
  probeCount: number,
): Promise<Matrix> {
  const matrix = await loadSourceMatrix(db, runId, source);
  if (matrix.rows !== probeCount)
    throw new RangeError(
      `run ${runId} embedding ${sourceKey(source)} has ${matrix.rows} rows, expected ${probeCount} probe digits`,
    );
  return matrix;
}

/** A source in words, for messages: "probe set, layer 1 (dense_2), epoch 3" or "test set, raw pixels". */
export function describeSource(s: Pick<ProjectionSource, "subset" | "epoch" | "layerIndex" | "layerName">): string {
  if (s.layerIndex === PIXELS_LAYER) return `${s.subset} set, raw pixels`;
  return `${s.subset} set, layer ${s.layerIndex} (${s.layerName}), ${s.epoch === 0 ? "final model" : `epoch ${s.epoch}`}`;
}

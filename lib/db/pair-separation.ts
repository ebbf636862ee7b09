// Named reads of how a digit pair separates in a run's stored probe embeddings (layer × epoch), across runs, and in projections.
import "server-only";
import type { Db } from "./client";
import { blobToFloat32 } from "./blobs";
import { loadMnist } from "./digits";
import { getProjectionCoords, getSubsetIndices, listProjections } from "./projections";
import { cachedPair, forgetPair, isCached, pairKey, pauseBeforeColdWork, yieldToEventLoop } from "./pair-cache";
import type { PairRun } from "./pairs";
import { pairSeparation } from "../metrics/pairs";
import { IMAGE_PIXELS } from "../mnist/idx";
import type { PairView, ProjectionMethod } from "../chart/pair-view";

/** Neighbours for kNN purity (pairSeparation's default). */
export const SEPARATION_K = 10;
/** Raw pixels, the baseline every hidden layer is compared with. */
export const PIXEL_LAYER = -1;

export interface SeparationCell {
  layerIndex: number;
  /** 0 for the pixels (they do not change with training). */
  epoch: number;
  knnPurity: number;
  silhouette: number;
  /** Probe digits of either class. */
  count: number;
}

export interface SeparationGrid {
  /** Pixels first, then the hidden layers in order. */
  layers: Array<{ layerIndex: number; layerName: string }>;
  epochs: number[];
  cells: SeparationCell[];
  countA: number;
  countB: number;
  computeMs: number;
}

interface EmbeddingKey {
  epoch: number;
  layerIndex: number;
  layerName: string;
  cols: number;
  dtype: string;
}

function probeLabels(db: Db, runId: number): { indices: Int32Array; labels: Uint8Array } {
  const indices = getSubsetIndices(db, runId, "probe") ?? new Int32Array(0);
  const testLabels = loadMnist().test.labels;
  return { indices, labels: Uint8Array.from(indices, (i) => testLabels[i]!) };
}

type Score = Omit<SeparationCell, "layerIndex" | "epoch">;

/**
 * pairSeparation on the pair's rows only, copied into one contiguous [m, cols] block: the same arithmetic in the same
 * order (members keep their order), so bit-identical to calling it on the whole matrix, and faster (cache-friendly).
 */
function compactSeparation(rows: (r: number, out: Float32Array, at: number) => void, cols: number, labels: Uint8Array, a: number, b: number): Score {
  const members: number[] = [];
  labels.forEach((l, r) => (l === a || l === b) && members.push(r));
  const data = new Float32Array(members.length * cols);
  members.forEach((r, k) => rows(r, data, k * cols));
  return pairSeparation(data, cols, Uint8Array.from(members, (r) => labels[r]!), a, b, SEPARATION_K);
}

function embeddingCell(db: Db, runId: number, key: EmbeddingKey, labels: Uint8Array, a: number, b: number): Score {
  if (key.dtype !== "float32") throw new Error(`run ${runId} embedding probe/${key.epoch}/${key.layerIndex} is ${key.dtype}, expected float32`);
  const row = db.sqlite
    .prepare("SELECT data FROM Embedding WHERE runId = ? AND subset = 'probe' AND epoch = ? AND layerIndex = ?")
    .get(runId, key.epoch, key.layerIndex) as { data: Buffer };
  const data = blobToFloat32(row.data);
  if (data.length !== labels.length * key.cols) throw new RangeError(`run ${runId} embedding probe/${key.epoch}/${key.layerIndex} has ${data.length} values, expected ${labels.length} x ${key.cols}`);
  return compactSeparation((r, out, at) => out.set(data.subarray(r * key.cols, (r + 1) * key.cols), at), key.cols, labels, a, b);
}

function pixelCell(indices: Int32Array, labels: Uint8Array, a: number, b: number): Score {
  // Pixels scaled to 0..1, as the network sees them.
  const pixels = loadMnist().test.pixels;
  return compactSeparation(
    (r, out, at) => {
      const from = indices[r]! * IMAGE_PIXELS;
      for (let k = 0; k < IMAGE_PIXELS; k++) out[at + k] = pixels[from + k]! / 255;
    },
    IMAGE_PIXELS, labels, a, b,
  );
}

type PairRunKey = Pick<PairRun, "id" | "finishedAt">;

const cellKey = (run: PairRunKey, key: EmbeddingKey, a: number, b: number) => pairKey(`cell/${key.epoch}/${key.layerIndex}`, run, a, b);

/** One cell, cached on its own so the table and the across-runs row share the last layer's last epoch. */
function cachedCell(db: Db, run: PairRunKey, key: EmbeddingKey, labels: Uint8Array, a: number, b: number): Score {
  return cachedPair(cellKey(run, key, a, b), () => embeddingCell(db, run.id, key, labels, a, b));
}

function embeddingKeys(db: Db, runId: number): EmbeddingKey[] {
  return db.sqlite
    .prepare("SELECT epoch, layerIndex, layerName, cols, dtype FROM Embedding WHERE runId = ? AND subset = 'probe' ORDER BY epoch, layerIndex")
    .all(runId) as EmbeddingKey[];
}

/** The separation table of one run and pair, computed row by row in the background so each row can stream in. */
export interface SeparationPlan {
  /** Pixels first, then the hidden layers in order. */
  layers: Array<{ layerIndex: number; layerName: string }>;
  epochs: number[];
  countA: number;
  countB: number;
  /** A layer's cells (the pixels: one, at epoch 0), as soon as that row is computed. */
  row(layerIndex: number): Promise<SeparationCell[]>;
  /** Every cell, and the time from the plan's start to the last one. */
  grid: Promise<SeparationGrid>;
}

function planSeparation(db: Db, run: PairRunKey, a: number, b: number): SeparationPlan {
  const started = performance.now();
  const { indices, labels } = probeLabels(db, run.id);
  const keys = embeddingKeys(db, run.id);
  const hidden = [...new Map(keys.map((k) => [k.layerIndex, k.layerName]))].sort((x, y) => x[0] - y[0]);
  const layers = [{ layerIndex: PIXEL_LAYER, layerName: "pixels" }, ...hidden.map(([layerIndex, layerName]) => ({ layerIndex, layerName }))];
  const epochs = [...new Set(keys.map((k) => k.epoch))].sort((x, y) => x - y);
  // The most telling rows first: the pixels (the baseline), then the last hidden layer back to the first.
  const order = [PIXEL_LAYER, ...hidden.map(([l]) => l).reverse()];
  const rows = new Map<number, Promise<SeparationCell[]>>();
  let previous: Promise<unknown> = pauseBeforeColdWork();
  for (const layer of order) {
    const row = previous.then(async () => {
      if (layer === PIXEL_LAYER) {
        await yieldToEventLoop();
        const pixels = cachedPair(pairKey("cell/0/-1", run, a, b), () => pixelCell(indices, labels, a, b));
        return [{ layerIndex: PIXEL_LAYER, epoch: 0, ...pixels }];
      }
      const cells: SeparationCell[] = [];
      // One 4 MB blob at a time (seed: 16 per layer), pausing between them so the page and other requests keep going.
      for (const key of keys.filter((k) => k.layerIndex === layer)) {
        await yieldToEventLoop();
        cells.push({ layerIndex: layer, epoch: key.epoch, ...cachedCell(db, run, key, labels, a, b) });
      }
      return cells;
    });
    // A row nobody renders must not count as an unhandled rejection; awaiting it still throws.
    row.catch(() => undefined);
    rows.set(layer, row);
    previous = row;
  }
  const grid = Promise.all(order.map((l) => rows.get(l)!)).then((parts) => ({
    layers,
    epochs,
    cells: parts.flat(),
    countA: labels.filter((l) => l === a).length,
    countB: labels.filter((l) => l === b).length,
    computeMs: performance.now() - started,
  }));
  return {
    layers,
    epochs,
    countA: labels.filter((l) => l === a).length,
    countB: labels.filter((l) => l === b).length,
    row: (layer) => rows.get(layer) ?? Promise.resolve([]),
    grid,
  };
}

/** kNN purity and silhouette of the pair in every stored probe embedding and in pixel space, cached per run and pair. */
export function fetchSeparationPlan(db: Db, run: PairRunKey, a: number, b: number): SeparationPlan {
  const key = pairKey("plan", run, a, b);
  return cachedPair(key, () => {
    const plan = planSeparation(db, run, a, b);
    // A failed computation (e.g. a malformed blob) is forgotten, so the next request retries it.
    plan.grid.catch(() => forgetPair(key));
    return plan;
  });
}

export interface LastSeparation {
  epoch: number;
  layerName: string;
  knnPurity: number;
  silhouette: number;
}

export interface PairAcrossRun {
  runId: number;
  name: string;
  architecture: string;
  testAccuracy: number | null;
  aAsB: number;
  bAsA: number;
  /** Separation in the last hidden layer after the last epoch; null when the run recorded no probe embeddings. */
  last: LastSeparation | null;
}

/** The pair in every succeeded run: final test counts both ways and the last layer's separation at the last epoch. */
export async function fetchPairAcrossRuns(db: Db, runs: readonly PairRun[], a: number, b: number): Promise<PairAcrossRun[]> {
  const out: PairAcrossRun[] = [];
  let paused = false;
  for (const run of runs) {
    const key = embeddingKeys(db, run.id).at(-1);
    if (key && !isCached(cellKey(run, key, a, b))) {
      if (!paused) await pauseBeforeColdWork();
      paused = true;
      await yieldToEventLoop();
    }
    const last = key ? { epoch: key.epoch, layerName: key.layerName, ...cachedCell(db, run, key, probeLabels(db, run.id).labels, a, b) } : null;
    out.push({
      runId: run.id,
      name: run.name,
      architecture: run.architecture,
      testAccuracy: run.testAccuracy,
      aAsB: run.confusion[a * 10 + b]!,
      bAsA: run.confusion[b * 10 + a]!,
      last: last && { epoch: last.epoch, layerName: last.layerName, knnPurity: last.knnPurity, silhouette: last.silhouette },
    });
  }
  return out;
}

export interface ScatterPoint {
  x: number;
  y: number;
  label: number;
  /** Test index. */
  index: number;
}

export interface PairScatter {
  method: ProjectionMethod | null;
  /** The epoch of the hidden layers' projections shown, null when none is stored. */
  epoch: number | null;
  epochs: number[];
  methods: ProjectionMethod[];
  layers: Array<{ layerIndex: number; layerName: string; epoch: number; points: ScatterPoint[] }>;
}

/** The pair's probe points in the stored final projections of the pixels and of each hidden layer at one epoch. */
export async function fetchPairScatter(db: Db, runId: number, a: number, b: number, view: Pick<PairView, "epoch" | "method">): Promise<PairScatter> {
  const stored = (await listProjections(db, runId)).filter((p) => p.subset === "probe" && p.final);
  const methods = (["tsne", "pca"] as const).filter((m) => stored.some((p) => p.method === m));
  const method = methods.includes(view.method) ? view.method : (methods[0] ?? null);
  const ofMethod = stored.filter((p) => p.method === method);
  const epochs = [...new Set(ofMethod.filter((p) => p.layerIndex >= 0).map((p) => p.epoch))].sort((x, y) => x - y);
  const epoch = view.epoch !== null && epochs.includes(view.epoch) ? view.epoch : (epochs.at(-1) ?? null);
  if (method === null) return { method, epoch, epochs, methods, layers: [] };
  const names = new Map(
    (db.sqlite.prepare("SELECT DISTINCT layerIndex, layerName FROM Embedding WHERE runId = ? AND subset = 'probe'").all(runId) as Array<{ layerIndex: number; layerName: string }>).map(
      (r) => [r.layerIndex, r.layerName],
    ),
  );
  const { indices, labels } = probeLabels(db, runId);
  const shown = ofMethod
    .filter((p) => (p.layerIndex === PIXEL_LAYER && p.epoch === 0) || (p.layerIndex >= 0 && p.epoch === epoch))
    .sort((x, y) => x.layerIndex - y.layerIndex);
  const layers = shown.flatMap((p) => {
    const coords = getProjectionCoords(db, runId, { subset: "probe", epoch: p.epoch, layerIndex: p.layerIndex, method, iteration: p.iteration });
    if (!coords || coords.length !== labels.length * 2) return [];
    const points: ScatterPoint[] = [];
    labels.forEach((label, r) => {
      if (label === a || label === b) points.push({ x: coords[2 * r]!, y: coords[2 * r + 1]!, label, index: indices[r]! });
    });
    return [{ layerIndex: p.layerIndex, layerName: p.layerIndex === PIXEL_LAYER ? "pixels" : (names.get(p.layerIndex) ?? `layer ${p.layerIndex}`), epoch: p.epoch, points }];
  });
  return { method, epoch, epochs, methods, layers };
}

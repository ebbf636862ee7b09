// Named reads of how a digit pair separates in a run's probe digits (layer × epoch), across runs, and in projections.
// The scores are read from PairSeparation rows (the pairs stage stores them after training); cells not stored yet are
// computed here, in the background, so the page can stream them in.
import "server-only";
import type { Db } from "../../db/client";
import { getProjectionCoords, listProjections } from "../../db/projections";
import { listLayerNames } from "../../db/embeddings";
import { cachedPair, forgetPair, isCached, pairKey, pauseBeforeColdWork, yieldToEventLoop } from "./pair-cache";
import { cellId, getStoredCell, listStoredCells, type SeparationCell } from "../../db/pair-store";
import type { PairRun } from "./pair-details";
import { listSources, loadProbeMatrix, pixelMatrix, probeDigits, type ProjectionSource } from "../projection/sources";
import { pairSeparation } from "../../numeric/metrics/pairs";
import { SEPARATION_K } from "../../numeric/pairs/separation";
import { PIXELS_LAYER } from "../../core/constants";
import type { PairView, ProjectionMethod } from "../../chart/pair-view";

export { SEPARATION_K, type SeparationCell };

export interface SeparationGrid {
  /** Pixels first, then the hidden layers in order. */
  layers: Array<{ layerIndex: number; layerName: string }>;
  epochs: number[];
  cells: SeparationCell[];
  countA: number;
  countB: number;
  computeMs: number;
}

type Score = Omit<SeparationCell, "layerIndex" | "epoch">;

async function embeddingCell(
  db: Db,
  runId: number,
  key: ProjectionSource,
  labels: Uint8Array,
  a: number,
  b: number,
): Promise<Score> {
  const matrix = await loadProbeMatrix(db, runId, key, labels.length);
  return pairSeparation(matrix.data, matrix.cols, labels, a, b, SEPARATION_K);
}

type PairRunKey = Pick<PairRun, "id" | "finishedAt">;

const cellKey = (run: PairRunKey, key: Pick<ProjectionSource, "epoch" | "layerIndex">, a: number, b: number) =>
  pairKey(`cell/${key.epoch}/${key.layerIndex}`, run, a, b);

/**
 * One cell not stored yet, cached on its own (as a promise, so concurrent requests share one computation) so the
 * table and the across-runs row share the last layer's last epoch. A failed one is forgotten, so the next request retries it.
 */
function cachedCell(
  db: Db,
  run: PairRunKey,
  key: ProjectionSource,
  labels: Uint8Array,
  a: number,
  b: number,
): Promise<Score> {
  const k = cellKey(run, key, a, b);
  return cachedPair(k, () => {
    const score = embeddingCell(db, run.id, key, labels, a, b);
    score.catch(() => forgetPair(k));
    return score;
  });
}

/** The run's probe embeddings by epoch then layer (the sources loader's probe sources without the pixels). */
async function listProbeEmbeddings(db: Db, runId: number): Promise<ProjectionSource[]> {
  return (await listSources(db, runId)).filter((s) => s.subset === "probe" && s.layerIndex !== PIXELS_LAYER);
}

/** The separation table of one run and pair: stored rows at once, missing cells computed row by row so each row can stream in. */
export interface SeparationPlan {
  /** Pixels first, then the hidden layers in order. */
  layers: Array<{ layerIndex: number; layerName: string }>;
  epochs: number[];
  countA: number;
  countB: number;
  /** Cells in the table, and how many of them are not stored (old run, pairs stage not run yet) and computed here. */
  cellCount: number;
  computedCount: number;
  /** A layer's cells (the pixels: one, at epoch 0), as soon as that row is known. */
  row(layerIndex: number): Promise<SeparationCell[]>;
  /** Every cell, and the time from the plan's start to the last one. */
  grid: Promise<SeparationGrid>;
}

interface PlanInput {
  labels: Uint8Array;
  indices: Int32Array;
  keys: ProjectionSource[];
  stored: Map<string, SeparationCell>;
  missing: number;
}

async function readPlanInput(db: Db, runId: number, a: number, b: number): Promise<PlanInput> {
  const [{ indices, labels }, keys, stored] = await Promise.all([
    probeDigits(db, runId),
    listProbeEmbeddings(db, runId),
    listStoredCells(db, runId, a, b, SEPARATION_K),
  ]);
  const expected =
    indices.length === 0 ? [] : [cellId(PIXELS_LAYER, 0), ...keys.map((k) => cellId(k.layerIndex, k.epoch))];
  return { indices, labels, keys, stored, missing: expected.filter((id) => !stored.has(id)).length };
}

function planSeparation(db: Db, run: PairRunKey, a: number, b: number, input: PlanInput): SeparationPlan {
  const started = performance.now();
  const { indices, labels, keys, stored } = input;
  const hidden = [...new Map(keys.map((k) => [k.layerIndex, k.layerName]))].sort((x, y) => x[0] - y[0]);
  const layers = [
    { layerIndex: PIXELS_LAYER, layerName: "pixels" },
    ...hidden.map(([layerIndex, layerName]) => ({ layerIndex, layerName })),
  ];
  const epochs = [...new Set(keys.map((k) => k.epoch))].sort((x, y) => x - y);
  // The most telling rows first: the pixels (the baseline), then the last hidden layer back to the first.
  const order = [PIXELS_LAYER, ...hidden.map(([l]) => l).reverse()];
  const rows = new Map<number, Promise<SeparationCell[]>>();
  // Stored rows resolve at once; computing starts only after the page shell has had its turns.
  let previous: Promise<unknown> = input.missing > 0 ? pauseBeforeColdWork() : Promise.resolve();
  for (const layer of order) {
    const row = previous.then(async () => {
      if (layer === PIXELS_LAYER) {
        const hit = stored.get(cellId(PIXELS_LAYER, 0));
        if (hit) return [hit];
        if (indices.length === 0) return [];
        await yieldToEventLoop();
        const pixels = cachedPair(pairKey(`cell/0/${PIXELS_LAYER}`, run, a, b), () => {
          const matrix = pixelMatrix(indices);
          return pairSeparation(matrix.data, matrix.cols, labels, a, b, SEPARATION_K);
        });
        return [{ layerIndex: PIXELS_LAYER, epoch: 0, ...pixels }];
      }
      const cells: SeparationCell[] = [];
      // One 4 MB blob at a time (seed: 16 per layer), pausing between them so the page and other requests keep going.
      for (const key of keys.filter((k) => k.layerIndex === layer)) {
        const hit = stored.get(cellId(layer, key.epoch));
        if (hit) {
          cells.push(hit);
          continue;
        }
        await yieldToEventLoop();
        cells.push({ layerIndex: layer, epoch: key.epoch, ...(await cachedCell(db, run, key, labels, a, b)) });
      }
      return cells;
    });
    // A row nobody renders must not count as an unhandled rejection; awaiting it still throws.
    row.catch(() => undefined);
    rows.set(layer, row);
    previous = row;
  }
  const countA = labels.filter((l) => l === a).length;
  const countB = labels.filter((l) => l === b).length;
  const grid = Promise.all(order.map((l) => rows.get(l)!)).then((parts) => ({
    layers,
    epochs,
    cells: parts.flat(),
    countA,
    countB,
    computeMs: performance.now() - started,
  }));
  return {
    layers,
    epochs,
    countA,
    countB,
    cellCount: indices.length === 0 ? 0 : 1 + keys.length,
    computedCount: input.missing,
    row: (layer) => rows.get(layer) ?? Promise.resolve([]),
    grid,
  };
}

/**
 * kNN purity and silhouette of the pair in every stored probe embedding and in pixel space. Stored rows are read on
 * every request (one indexed query); a plan with cells to compute is cached per run and pair, so concurrent and later
 * requests share its work until the pairs stage has stored them.
 */
export async function fetchSeparationPlan(db: Db, run: PairRunKey, a: number, b: number): Promise<SeparationPlan> {
  const input = await readPlanInput(db, run.id, a, b);
  if (input.missing === 0) return planSeparation(db, run, a, b, input);
  const key = pairKey("plan", run, a, b);
  return cachedPair(key, () => {
    const plan = planSeparation(db, run, a, b, input);
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
export async function fetchPairAcrossRuns(
  db: Db,
  runs: readonly PairRun[],
  a: number,
  b: number,
): Promise<PairAcrossRun[]> {
  const out: PairAcrossRun[] = [];
  let paused = false;
  for (const run of runs) {
    const key = (await listProbeEmbeddings(db, run.id)).at(-1);
    let score: Score | undefined =
      key && (await getStoredCell(db, run.id, a, b, SEPARATION_K, key.layerIndex, key.epoch));
    if (key && !score) {
      // Not stored: computed here (cached), after the page shell has had its turns.
      if (!isCached(cellKey(run, key, a, b))) {
        if (!paused) await pauseBeforeColdWork();
        paused = true;
        await yieldToEventLoop();
      }
      score = await cachedCell(db, run, key, (await probeDigits(db, run.id)).labels, a, b);
    }
    out.push({
      runId: run.id,
      name: run.name,
      architecture: run.architecture,
      testAccuracy: run.testAccuracy,
      aAsB: run.confusion[a * 10 + b]!,
      bAsA: run.confusion[b * 10 + a]!,
      last:
        key && score
          ? { epoch: key.epoch, layerName: key.layerName, knnPurity: score.knnPurity, silhouette: score.silhouette }
          : null,
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
export async function fetchPairScatter(
  db: Db,
  runId: number,
  a: number,
  b: number,
  view: Pick<PairView, "epoch" | "method">,
): Promise<PairScatter> {
  const stored = (await listProjections(db, runId)).filter((p) => p.subset === "probe" && p.final);
  const methods = (["tsne", "pca"] as const).filter((m) => stored.some((p) => p.method === m));
  const method = methods.includes(view.method) ? view.method : (methods[0] ?? null);
  const ofMethod = stored.filter((p) => p.method === method);
  const epochs = [...new Set(ofMethod.filter((p) => p.layerIndex >= 0).map((p) => p.epoch))].sort((x, y) => x - y);
  const epoch = view.epoch !== null && epochs.includes(view.epoch) ? view.epoch : (epochs.at(-1) ?? null);
  if (method === null) return { method, epoch, epochs, methods, layers: [] };
  const [names, { indices, labels }] = await Promise.all([listLayerNames(db, runId), probeDigits(db, runId)]);
  const shown = ofMethod
    .filter((p) => (p.layerIndex === PIXELS_LAYER && p.epoch === 0) || (p.layerIndex >= 0 && p.epoch === epoch))
    .sort((x, y) => x.layerIndex - y.layerIndex);
  const coordsOf = await Promise.all(
    shown.map((p) =>
      getProjectionCoords(db, runId, {
        subset: "probe",
        epoch: p.epoch,
        layerIndex: p.layerIndex,
        method,
        iteration: p.iteration,
      }),
    ),
  );
  const layers = shown.flatMap((p, i) => {
    const coords = coordsOf[i];
    if (!coords || coords.length !== labels.length * 2) return [];
    const points: ScatterPoint[] = [];
    labels.forEach((label, r) => {
      if (label === a || label === b)
        points.push({ x: coords[2 * r]!, y: coords[2 * r + 1]!, label, index: indices[r]! });
    });
    return [
      {
        layerIndex: p.layerIndex,
        layerName: p.layerIndex === PIXELS_LAYER ? "pixels" : (names.get(p.layerIndex) ?? `layer ${p.layerIndex}`),
        epoch: p.epoch,
        points,
      },
    ];
  });
  return { method, epoch, epochs, methods, layers };
}

// UMAP options: documented defaults and ranges, validated once at the boundary with messages naming the field.
import type { KnnGraph } from "../tsne/knn";

export interface UmapOptions {
  /**
   * Size of each point's neighbourhood, counting the point itself as umap-learn and umap-js do: nNeighbors = 15
   * means the 14 nearest other points. Default 15; integer in 2..rows.
   */
  nNeighbors?: number;
  /** Smallest distance between points in the layout (the curve's flat top). Default 0.1; number in [0, spread]. */
  minDist?: number;
  /** Scale of the layout's distances (the curve's decay). Default 1; number > 0. */
  spread?: number;
  /**
   * SGD epochs. 'auto' (default) as umap-learn: 500 up to 10,000 rows, else 200; for a warm start (init is a
   * Float32Array) as umap-learn's transform, which fits points into an existing layout: 100 up to 10,000 rows, else
   * 30. That is enough for the layout to follow a changed graph without leaving its place: on 1,000 digits whose
   * pixels changed, a warm fit moves points by an eighth of the layout's spread (a cold fit by two thirds) and
   * scores the same 10-NN accuracy (test/numeric/umap/digits.test.ts). Integer ≥ 1.
   */
  epochs?: number | "auto";
  /**
   * Starting step size, decaying linearly to 0 over the epochs. Default 1 (umap-learn's learning_rate); for a
   * warm start 0.25 (umap-learn's transform uses a quarter). Number > 0.
   */
  learningRate?: number;
  /** Negative samples per positive sample. Default 5; integer ≥ 1. */
  negativeSampleRate?: number;
  /** Seed of the init noise, random init and negative sampling (mulberry32). Default 0; any integer. */
  seed?: number;
  /**
   * Starting layout: 'pca' (default; the first two principal components scaled to a ±10 box with 1e-4 noise, as
   * umap-learn scales its spectral init), 'random' (uniform ±10 from `seed`), or a Float32Array [rows, 2] used as
   * it is (a warm start from the previous epoch's layout, so consecutive layouts stay aligned). 'spectral' is not
   * implemented (see umap.ts) and throws.
   */
  init?: "spectral" | "pca" | "random" | Float32Array;
  /**
   * A kNN graph of the rows to reuse (e.g. the t-SNE graph, k = 90), nearest first; its first nNeighbors - 1
   * columns are used, so k ≥ nNeighbors - 1. Default: computed exactly from the input (PCA-50 first when wider).
   */
  knn?: KnnGraph;
  /**
   * Threads for the kNN when it is computed. Validated and kept for that, but unused today: the exact kNN
   * (tsne/knn.ts computeKnn) takes no thread count yet, and the fuzzy graph and the SGD run on one thread (see
   * umap.ts). Integer ≥ 1.
   */
  threads?: number;
}

export interface ResolvedUmapOptions {
  nNeighbors: number;
  minDist: number;
  spread: number;
  epochs: number;
  /** The epoch count of a cold fit of this many rows: the edge-pruning reference when `epochs` is 10 or fewer. */
  defaultEpochs: number;
  learningRate: number;
  negativeSampleRate: number;
  seed: number;
  init: "pca" | "random" | Float32Array;
  knn: KnnGraph | undefined;
  threads: number | undefined;
}

/** Rows up to which umap-learn runs its longer epoch schedules (500 cold, 100 in transform). */
const SMALL_ROWS = 10_000;

/** Fills in defaults and throws a RangeError naming the first bad option and its value. */
export function resolveUmapOptions(options: UmapOptions, rows: number): ResolvedUmapOptions {
  if (!Number.isInteger(rows) || rows < 3) throw new RangeError(`rows must be at least 3 for UMAP (got ${rows})`);
  const o = stripUndefined(options);
  const nNeighbors = o.nNeighbors ?? 15;
  check(
    "nNeighbors",
    nNeighbors,
    Number.isInteger(nNeighbors) && nNeighbors >= 2 && nNeighbors <= rows,
    `an integer in 2..rows = 2..${rows}`,
  );
  const spread = o.spread ?? 1;
  check("spread", spread, isNumber(spread) && spread > 0 && spread < Infinity, "a finite number > 0");
  const minDist = o.minDist ?? 0.1;
  check(
    "minDist",
    minDist,
    isNumber(minDist) && minDist >= 0 && minDist <= spread,
    `a number in [0, spread = ${spread}]`,
  );
  const init = o.init ?? "pca";
  if (init instanceof Float32Array) {
    if (init.length !== rows * 2)
      throw new RangeError(`init must hold rows * 2 = ${rows * 2} values (got ${init.length})`);
    const bad = init.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`init[${bad}] must be finite (got ${init[bad]})`);
  } else if (init === "spectral") {
    throw new RangeError("init 'spectral' is not implemented: use 'pca' (the default) or 'random'");
  } else {
    check("init", init, init === "pca" || init === "random", "'pca', 'random' or a Float32Array [rows, 2]");
  }
  const warm = init instanceof Float32Array;
  const defaultEpochs = rows <= SMALL_ROWS ? 500 : 200;
  const epochs = o.epochs === undefined || o.epochs === "auto" ? autoEpochs(rows, warm) : o.epochs;
  check("epochs", epochs, Number.isInteger(epochs) && epochs >= 1, "'auto' or an integer ≥ 1");
  const learningRate = o.learningRate ?? (warm ? 0.25 : 1);
  check(
    "learningRate",
    learningRate,
    isNumber(learningRate) && learningRate > 0 && learningRate < Infinity,
    "a finite number > 0",
  );
  const negativeSampleRate = o.negativeSampleRate ?? 5;
  check(
    "negativeSampleRate",
    negativeSampleRate,
    Number.isInteger(negativeSampleRate) && negativeSampleRate >= 1,
    "an integer ≥ 1",
  );
  const seed = o.seed ?? 0;
  check("seed", seed, Number.isSafeInteger(seed), "an integer");
  const threads = o.threads;
  if (threads !== undefined) check("threads", threads, Number.isInteger(threads) && threads >= 1, "an integer ≥ 1");
  if (o.knn) checkKnn(o.knn, rows, nNeighbors);
  return {
    nNeighbors,
    minDist,
    spread,
    epochs,
    defaultEpochs,
    learningRate,
    negativeSampleRate,
    seed,
    init,
    knn: o.knn,
    threads,
  };
}

/** umap-learn's epoch counts: fit 500 / 200, transform (our warm start) 100 / 30, split at 10,000 rows. */
function autoEpochs(rows: number, warm: boolean): number {
  if (warm) return rows <= SMALL_ROWS ? 100 : 30;
  return rows <= SMALL_ROWS ? 500 : 200;
}

function checkKnn(knn: KnnGraph, rows: number, nNeighbors: number): void {
  if (!Number.isInteger(knn.k) || knn.k < nNeighbors - 1)
    throw new RangeError(`knn.k must be at least nNeighbors - 1 = ${nNeighbors - 1} (got ${knn.k})`);
  if (knn.indices.length !== rows * knn.k || knn.distancesSq.length !== rows * knn.k) {
    throw new RangeError(
      `knn must hold rows * k = ${rows * knn.k} neighbours (got ${knn.indices.length} indices, ` +
        `${knn.distancesSq.length} distances)`,
    );
  }
}

function check(name: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new RangeError(`${name} must be ${expected} (got ${describe(value)})`);
}

/** A real number: rejects NaN and non-numbers, which comparisons would otherwise coerce ("15" > 2). */
function isNumber(value: unknown): value is number {
  return typeof value === "number" && !Number.isNaN(value);
}

function describe(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return String(value);
}

function stripUndefined(options: UmapOptions): UmapOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as UmapOptions;
}

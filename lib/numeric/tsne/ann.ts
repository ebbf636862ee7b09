// Approximate k nearest neighbours: random-projection trees for a first graph, then NN-descent rounds, on a fixed chunking so any thread count gives the same graph.
import {
  chunkCount,
  getPool,
  resolveThreads,
  sharedFloat32,
  sharedFloat64,
  sharedInt32,
  sharedUint8,
} from "../parallel";
import type { KnnGraph } from "./knn";
import { assertMatrix, type Matrix } from "./matrix";
import { reverseCandidates, reverseHeaps, sampleChunk, type Candidates, type NeighbourHeaps } from "./nn-candidates";
import { joinChunk, sortChunk } from "./nn-descent";
import { ROW_CHUNK, buildTreeChunk, leafInitChunk, relabelByLeaves, streamSeed } from "./rp-forest";

export interface AnnOptions {
  /** Seed of the trees' hyperplanes and the rounds' sampling. Default 0; any integer (used modulo 2³²). */
  seed?: number;
  /** Threads (the caller's included). Default min(2, cores); integer in 1..64. The graph does not depend on it. */
  threads?: number;
  /** Random-projection trees. Default min(64, 5 + round(√rows / 20)) as pynndescent; integer in 1..256. */
  trees?: number;
  /** Most rows in a tree's leaf. Default max(10, min(k, 60)); integer in 2..rows. */
  leafSize?: number;
  /**
   * Candidates sampled per row and round, new and old each. Default min(15, k); integer in 1..256. pynndescent's 60
   * suits its push rounds, which measure each pair once; a pull round measures a pair from both of its rows, and
   * fewer candidates over more rounds then measure fewer pairs for the same recall (all 70,000 digits at k = 90:
   * 2,842 distances per row with 10, 3,561 with 15, 3,866 with 20; recall 0.994–0.999).
   */
  maxCandidates?: number;
  /** Most NN-descent rounds. Default max(5, round(log₂ rows)) as pynndescent; integer in 0..1000. */
  maxRounds?: number;
  /** Rounds stop once a round changes fewer than delta · rows · k heap entries. Default 0.001; number in [0, 1]. */
  delta?: number;
}

/** What a run did, for benchmarks: its parameters, rounds, heap changes per round and seconds per phase. */
export interface AnnReport {
  threads: number;
  trees: number;
  leafSize: number;
  maxCandidates: number;
  /** Heap entries changed by the leaf pass, then by each round. */
  updates: number[];
  /** Distances computed (in full or abandoned early) by the leaf pass, then by each round. */
  measured: number[];
  seconds: { trees: number; leaves: number; candidates: number; joins: number; sort: number };
}

/**
 * Each row's k nearest other rows of `input` [rows, cols] by squared Euclidean distance, approximately: nearest
 * first, no row itself, no repeats; the distances are exact for the neighbours returned. Finds over 0.99 of the
 * exact kNN's neighbours on MNIST (test/numeric/tsne/ann-recall.test.ts asserts ≥ 0.95; `npm run bench:knn`) with
 * a few thousand distances per row (about 3,500 for all 70,000 digits at k = 90) instead of the exact kNN's rows.
 * Deterministic for a seed, and bit-identical on any thread count: every pass runs over fixed chunks of rows, each
 * chunk writing only its rows, and the serial steps between passes are counting sorts in row order.
 * Distances are summed in double precision from a float32 copy of the rows (columns by decreasing variance, so the
 * early exit against a heap's farthest entry comes soon). float32 holds the input exactly, so a float64 copy would
 * give the same bits; it would double the bytes each distance reads from rows scattered over memory, and that
 * traffic is what the rounds wait on: all 70,000 digits at k = 90 took 41–46 s of CPU with float32 rows against
 * 48–52 s with float64 (one thread, load 9–12), and the copy is 14 MB instead of 28 MB.
 */
export function approximateKnn(input: Matrix, k: number, options: AnnOptions = {}): KnnGraph {
  return approximateKnnReport(input, k, options).graph;
}

/** approximateKnn, with what it did. */
export function approximateKnnReport(
  input: Matrix,
  k: number,
  options: AnnOptions = {},
): { graph: KnnGraph; report: AnnReport } {
  assertMatrix(input);
  const rows = input.rows;
  const o = resolveAnnOptions(options, rows, k);
  const pool = getPool(o.threads);
  const chunks = chunkCount(rows, ROW_CHUNK);
  const updates = sharedInt32(chunks);
  const report: AnnReport = {
    threads: pool.threads,
    trees: o.trees,
    leafSize: o.leafSize,
    maxCandidates: o.maxCandidates,
    updates: [],
    measured: [],
    seconds: { trees: 0, leaves: 0, candidates: 0, joins: 0, sort: 0 },
  };
  const clock = (phase: keyof AnnReport["seconds"], started: number) => {
    report.seconds[phase] += (performance.now() - started) / 1000;
  };
  const measured = sharedInt32(chunks);
  const total = () => updates.reduce((sum, u) => sum + u, 0);
  const record = () => {
    report.updates.push(total());
    report.measured.push(measured.reduce((sum, u) => sum + u, 0));
  };

  let started = performance.now();
  const unordered = byDecreasingVariance(input);
  const perm = sharedInt32(o.trees * rows);
  const leafOf = sharedInt32(o.trees * rows);
  const leafStart = sharedInt32(o.trees * (rows + 1));
  const { cols } = input;
  const forest = { rows, cols, leafSize: o.leafSize, seed: o.seed, perm, leafOf, leafStart };
  pool.run(buildTreeChunk, o.trees, { data: unordered, ...forest });
  const { data, label } = relabelByLeaves(unordered, rows, cols, o.trees, perm, leafOf);
  clock("trees", started);

  started = performance.now();
  const heaps: NeighbourHeaps = {
    dist: sharedFloat64(rows * k).fill(Infinity),
    idx: sharedInt32(rows * k).fill(-1),
    isNew: sharedUint8(rows * k),
  };
  const shape = { data, rows, cols, k, seed: o.seed, updates, measured };
  pool.run(leafInitChunk, chunks, { ...shape, ...heaps, trees: o.trees, perm, leafOf, leafStart });
  record();
  clock("leaves", started);

  const m = o.maxCandidates;
  const cand: Candidates = {
    m,
    newIdx: sharedInt32(rows * m),
    oldIdx: sharedInt32(rows * m),
    newPri: sharedFloat64(rows * m),
    oldPri: sharedFloat64(rows * m),
    revStart: sharedInt32(rows + 1),
    revEntries: sharedInt32(rows * k),
    rcStart: sharedInt32(rows + 1),
    rcEntries: sharedInt32(2 * rows * m),
    cursor: new Int32Array(rows),
    drawn: sharedInt32(chunks),
  };
  for (let round = 0; round < o.maxRounds; round++) {
    started = performance.now();
    reverseHeaps(heaps, rows, k, cand);
    const { newIdx, oldIdx, newPri, oldPri, revStart, revEntries, drawn } = cand;
    const key = streamSeed(o.seed, round, 0x1b873593);
    pool.run(sampleChunk, chunks, {
      rows,
      k,
      m,
      key,
      ...heaps,
      newIdx,
      oldIdx,
      newPri,
      oldPri,
      revStart,
      revEntries,
      drawn,
    });
    reverseCandidates(rows, cand);
    clock("candidates", started);
    if (drawn.every((d) => d === 0)) break;
    started = performance.now();
    const { rcStart, rcEntries } = cand;
    pool.run(joinChunk, chunks, { ...shape, ...heaps, m, newIdx, oldIdx, rcStart, rcEntries });
    record();
    clock("joins", started);
    if (total() <= o.delta * rows * k) break;
  }

  started = performance.now();
  const graph: KnnGraph = { k, indices: sharedInt32(rows * k), distancesSq: sharedFloat64(rows * k) };
  pool.run(sortChunk, chunks, { rows, k, ...heaps, label, outDist: graph.distancesSq, outIdx: graph.indices });
  clock("sort", started);
  return { graph, report };
}

interface ResolvedAnnOptions {
  seed: number;
  threads: number;
  trees: number;
  leafSize: number;
  maxCandidates: number;
  maxRounds: number;
  delta: number;
}

/** Fills in defaults for `rows` rows and k neighbours; throws a RangeError naming the first bad one and its value. */
export function resolveAnnOptions(options: AnnOptions, rows: number, k: number): ResolvedAnnOptions {
  if (!Number.isInteger(k) || k < 1 || k > rows - 1)
    throw new RangeError(`k must be an integer in 1..${rows - 1} (rows - 1) (got ${k})`);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer (got ${seed})`);
  const threads = resolveThreads(options.threads);
  const integer = (name: keyof AnnOptions, fallback: number, min: number, max: number): number => {
    const value = options[name] ?? fallback;
    if (!Number.isInteger(value) || value < min || value > max)
      throw new RangeError(`${name} must be an integer in ${min}..${max} (got ${value})`);
    return value;
  };
  const delta = options.delta ?? 0.001;
  if (typeof delta !== "number" || !(delta >= 0 && delta <= 1))
    throw new RangeError(`delta must be a number in [0, 1] (got ${delta})`);
  return {
    seed,
    threads,
    trees: integer("trees", Math.min(64, 5 + Math.round(Math.sqrt(rows) / 20)), 1, 256),
    leafSize: integer("leafSize", Math.min(rows, Math.max(10, Math.min(k, 60))), 2, Math.max(2, rows)),
    maxCandidates: integer("maxCandidates", Math.min(15, k), 1, 256),
    maxRounds: integer("maxRounds", Math.max(5, Math.round(Math.log2(rows))), 0, 1000),
    delta,
  };
}

/** A shared float32 copy of `input` [rows, cols] with its columns by decreasing variance (ties by column number). */
function byDecreasingVariance({ data, rows, cols }: Matrix): Float32Array {
  const mean = new Float64Array(cols);
  const sumSq = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] = mean[c]! + data[r * cols + c]!;
  for (let c = 0; c < cols; c++) mean[c] = mean[c]! / rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) sumSq[c] = sumSq[c]! + (data[r * cols + c]! - mean[c]!) ** 2;
  }
  const order = Array.from({ length: cols }, (_, c) => c).sort((a, b) => sumSq[b]! - sumSq[a]! || a - b);
  const out = sharedFloat32(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = data[r * cols + order[c]!]!;
  return out;
}

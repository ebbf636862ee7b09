// t-SNE options: documented defaults and ranges, validated once at the boundary.
import { resolveThreads } from "../parallel";
import { MAX_POINTS } from "./barnes-hut";
import type { KnnGraph } from "./knn";
import { autoRepulsion, type RepulsionMethod } from "./repulsion";

export type NeighbourMethod = "exact" | "approximate";

/**
 * From this many rows on, neighbours "auto" uses the approximate kNN (recall ≥ 0.95 by its contract). Below it the
 * exact kNN is fast enough: about 2 s of CPU for 10,000 × 50 at k = 90 and growing as n², ~8 s at 20,000.
 */
export const APPROXIMATE_MIN_ROWS = 20_000;

export interface TsneOptions {
  /** Effective number of neighbours each point's Gaussian covers. Default 30; range (1, rows - 1); 5–50 is usual. */
  perplexity?: number;
  /** Total gradient-descent iterations. Default 1000; integer ≥ 1. */
  iterations?: number;
  /**
   * Barnes–Hut accuracy: 0 is exact O(n²), larger is faster and coarser. Default 0.6; range [0, 1]. Ours tests a cell
   * against a whole group's box and opens leaves into their points, so it is stricter than scikit-learn's per-point
   * θ: on a finished 10,000-embedding layout its force error is 2.6e-3 at 0.5, 4.7e-3 at 0.6 and 1.1e-2 at 0.7,
   * against 1.6e-2 for the per-point criterion at scikit-learn's 0.5 (`npm run bench:bh-accuracy -- --run ID`;
   * test/numeric/tsne/barnes-hut.test.ts checks the default below it on 2,000 digits).
   */
  theta?: number;
  /** Factor on P during the first `exaggerationIterations`, to let clusters form. Default 12; range [1, 1000]. */
  earlyExaggeration?: number;
  /**
   * Iterations with exaggeration and momentum 0.5; after them momentum is 0.8 and the gains and velocity restart
   * (as in scikit-learn). Default 250; integer ≥ 0. Use 0 when warm-starting from a previous layout.
   */
  exaggerationIterations?: number;
  /**
   * Step size. 'auto' (default) is max(rows / earlyExaggeration, 200), Belkina et al. 2019 / scikit-learn 'auto'.
   * Our gradient omits the constant factor 4, so 200 here equals scikit-learn's 50. Number > 0.
   */
  learningRate?: number | "auto";
  /** Seed for init 'random' (mulberry32). Default 0; any integer (used modulo 2³²). */
  seed?: number;
  /**
   * Starting layout: 'pca' (default; first two principal components scaled to std 1e-4 on x, as scikit-learn),
   * 'random' (Gaussian, std 1e-4, from `seed`), or an array [rows, 2] used as is (e.g. the previous epoch's layout,
   * so consecutive layouts stay aligned, or pcaStart of a PCA layout already computed).
   */
  init?: "random" | "pca" | Float32Array | Float64Array;
  /** Inputs with more columns are first reduced to this many principal components. Default 50; integer ≥ 2. */
  pcaDimensions?: number;
  /**
   * Threads for PCA, affinities and every iteration's passes. Default resolveThreads(): min(2, cores); integer
   * 1..64. Any count gives bit-identical layouts.
   */
  threads?: number;
  /**
   * Repulsive forces: 'barnes-hut' (θ = `theta`), 'fft' (interpolation on a grid, Linderman et al. 2019), or 'auto'
   * (default): FFT from FFT_MIN_POINTS rows on, where it is the faster.
   */
  repulsion?: "auto" | RepulsionMethod;
  /**
   * Input neighbours: 'exact' (brute force), 'approximate' (approximateKnn, seeded by `seed`), or 'auto' (default):
   * approximate from APPROXIMATE_MIN_ROWS rows on.
   */
  neighbours?: "auto" | NeighbourMethod;
  /**
   * The input's neighbours already found (k = min(rows - 1, ⌈3 · perplexity⌉), nearest first), e.g. from a whole
   * distance matrix its caller reads again (knnFromMatrix): no PCA and no neighbour search then, and `neighbours`
   * ('auto' is then 'exact') only records how they were found.
   */
  knn?: KnnGraph;
  /** FFT repulsion: fewest boxes per dimension. Default 50 (as FIt-SNE); integer in 1..1000. */
  fftMinBoxes?: number;
  /**
   * FFT repulsion: the widest box in layout units (boxes ≥ spread / this, when that gives more than fftMinBoxes).
   * Default 0.8: FIt-SNE's 1 left the final KL of all 70,000 digits 2.6 % above Barnes–Hut's (2.8417 against 2.7708);
   * 0.8 gives 2.7982 for 1.4× the FFT's time (25.6 s against 18.3 s over 1,000 iterations). Number in (0, 10].
   */
  fftIntervalsPerInteger?: number;
  /** FFT repulsion: Lagrange interpolation nodes per box and dimension. Default 3 (as FIt-SNE); integer in 2..8. */
  fftInterpolationPoints?: number;
}

export interface ResolvedTsneOptions {
  perplexity: number;
  iterations: number;
  theta: number;
  earlyExaggeration: number;
  exaggerationIterations: number;
  learningRate: number;
  seed: number;
  init: "random" | "pca" | Float32Array | Float64Array;
  pcaDimensions: number;
  threads: number;
  repulsion: RepulsionMethod;
  neighbours: NeighbourMethod;
  fftMinBoxes: number;
  fftIntervalsPerInteger: number;
  fftInterpolationPoints: number;
}

export const TSNE_DEFAULTS = {
  perplexity: 30,
  iterations: 1000,
  theta: 0.6,
  earlyExaggeration: 12,
  exaggerationIterations: 250,
  learningRate: "auto",
  seed: 0,
  init: "pca",
  pcaDimensions: 50,
  repulsion: "auto",
  neighbours: "auto",
  fftMinBoxes: 50,
  fftIntervalsPerInteger: 0.8,
  fftInterpolationPoints: 3,
} as const satisfies Required<Omit<TsneOptions, "threads" | "knn">>;

/** The 'auto' learning rate: max(rows / earlyExaggeration, 200) (Belkina et al. 2019, in our units). */
export function autoLearningRate(rows: number, earlyExaggeration: number = TSNE_DEFAULTS.earlyExaggeration): number {
  return Math.max(rows / earlyExaggeration, 200);
}

/** Fills in defaults and throws a RangeError naming the first bad option and its value. */
export function resolveTsneOptions(options: TsneOptions, rows: number): ResolvedTsneOptions {
  if (rows < 3 || rows > MAX_POINTS) throw new RangeError(`rows must be in 3..${MAX_POINTS} for t-SNE (got ${rows})`);
  const { knn, ...plain } = options;
  const o = { ...TSNE_DEFAULTS, ...stripUndefined(plain) };
  check(
    "perplexity",
    o.perplexity,
    isNumber(o.perplexity) && o.perplexity > 1 && o.perplexity < rows - 1,
    `a number in (1, rows - 1) = (1, ${rows - 1})`,
  );
  check("iterations", o.iterations, Number.isInteger(o.iterations) && o.iterations >= 1, "an integer ≥ 1");
  check("theta", o.theta, isNumber(o.theta) && o.theta >= 0 && o.theta <= 1, "a number in [0, 1]");
  check(
    "earlyExaggeration",
    o.earlyExaggeration,
    isNumber(o.earlyExaggeration) && o.earlyExaggeration >= 1 && o.earlyExaggeration <= 1000,
    "a number in [1, 1000]",
  );
  const exaggerationIterations = o.exaggerationIterations;
  check(
    "exaggerationIterations",
    exaggerationIterations,
    Number.isInteger(exaggerationIterations) && exaggerationIterations >= 0,
    "an integer ≥ 0",
  );
  const rate = o.learningRate;
  check(
    "learningRate",
    rate,
    rate === "auto" || (isNumber(rate) && rate > 0 && rate < Infinity),
    "'auto' or a finite number > 0",
  );
  check("seed", o.seed, Number.isSafeInteger(o.seed), "an integer");
  check("pcaDimensions", o.pcaDimensions, Number.isInteger(o.pcaDimensions) && o.pcaDimensions >= 2, "an integer ≥ 2");
  const threads = o.threads === undefined ? resolveThreads() : resolveThreads(o.threads);
  const repulsion = o.repulsion;
  check(
    "repulsion",
    repulsion,
    repulsion === "auto" || repulsion === "fft" || repulsion === "barnes-hut",
    "'auto', 'fft' or 'barnes-hut'",
  );
  const neighbours = o.neighbours;
  check(
    "neighbours",
    neighbours,
    neighbours === "auto" || neighbours === "exact" || neighbours === "approximate",
    "'auto', 'exact' or 'approximate'",
  );
  check(
    "fftMinBoxes",
    o.fftMinBoxes,
    Number.isInteger(o.fftMinBoxes) && o.fftMinBoxes >= 1 && o.fftMinBoxes <= 1000,
    "an integer in 1..1000",
  );
  check(
    "fftIntervalsPerInteger",
    o.fftIntervalsPerInteger,
    isNumber(o.fftIntervalsPerInteger) && o.fftIntervalsPerInteger > 0 && o.fftIntervalsPerInteger <= 10,
    "a number in (0, 10]",
  );
  check(
    "fftInterpolationPoints",
    o.fftInterpolationPoints,
    Number.isInteger(o.fftInterpolationPoints) && o.fftInterpolationPoints >= 2 && o.fftInterpolationPoints <= 8,
    "an integer in 2..8",
  );
  if (knn) {
    const k = Math.min(rows - 1, Math.ceil(3 * o.perplexity));
    const ok = knn.k === k && knn.indices.length === rows * k && knn.distancesSq.length === rows * k;
    check(
      "knn",
      `a graph of k = ${knn.k}, ${knn.indices.length} entries`,
      ok,
      `a graph of k = ${k}, ${rows * k} entries`,
    );
  }
  const init = o.init;
  if (init instanceof Float32Array || init instanceof Float64Array) {
    if (init.length !== rows * 2)
      throw new RangeError(`init must hold rows * 2 = ${rows * 2} values (got ${init.length})`);
    const bad = init.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`init[${bad}] must be finite (got ${init[bad]})`);
  } else {
    check(
      "init",
      init,
      init === "random" || init === "pca",
      "'random', 'pca' or a Float32Array or Float64Array [rows, 2]",
    );
  }
  return {
    ...o,
    learningRate: rate === "auto" ? autoLearningRate(rows, o.earlyExaggeration) : rate,
    init,
    threads,
    repulsion: repulsion === "auto" ? autoRepulsion(rows) : repulsion,
    neighbours: neighbours !== "auto" ? neighbours : !knn && rows >= APPROXIMATE_MIN_ROWS ? "approximate" : "exact",
  };
}

function check(name: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new RangeError(`${name} must be ${expected} (got ${describe(value)})`);
}

/** A real number: rejects NaN and non-numbers, which comparisons would otherwise coerce ("30" > 1). */
function isNumber(value: unknown): value is number {
  return typeof value === "number" && !Number.isNaN(value);
}

function describe(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : String(value);
}

function stripUndefined(options: TsneOptions): TsneOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as TsneOptions;
}

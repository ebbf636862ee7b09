// t-SNE options: documented defaults and ranges, validated once at the boundary.
import { MAX_POINTS } from "./barnes-hut";

export interface TsneOptions {
  /** Effective number of neighbours each point's Gaussian covers. Default 30; range (1, rows - 1); 5–50 is usual. */
  perplexity?: number;
  /** Total gradient-descent iterations. Default 1000; integer ≥ 1. */
  iterations?: number;
  /** Barnes–Hut accuracy: 0 is exact O(n²), larger is faster and coarser. Default 0.5; range [0, 1]. */
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
   * 'random' (Gaussian, std 1e-4, from `seed`), or a Float32Array [rows, 2] used as is (e.g. the previous epoch's
   * layout, so consecutive layouts stay aligned).
   */
  init?: "random" | "pca" | Float32Array;
  /** Inputs with more columns are first reduced to this many principal components. Default 50; integer ≥ 2. */
  pcaDimensions?: number;
  /** Threads for the kNN and the attractive and repulsive passes (lib/numeric/parallel). Default 1; integer ≥ 1. */
  threads?: number;
  /** Repulsive forces: 'fft' (interpolation), 'barnes-hut', or 'auto' (default) to choose by size. */
  repulsion?: "auto" | "fft" | "barnes-hut";
  /** Input neighbours: 'exact', 'approximate', or 'auto' (default) to choose by size. */
  neighbours?: "auto" | "exact" | "approximate";
}

export interface ResolvedTsneOptions {
  perplexity: number;
  iterations: number;
  theta: number;
  earlyExaggeration: number;
  exaggerationIterations: number;
  learningRate: number;
  seed: number;
  init: "random" | "pca" | Float32Array;
  pcaDimensions: number;
}

export const TSNE_DEFAULTS = {
  perplexity: 30,
  iterations: 1000,
  theta: 0.5,
  earlyExaggeration: 12,
  exaggerationIterations: 250,
  learningRate: "auto",
  seed: 0,
  init: "pca",
  pcaDimensions: 50,
  threads: 1,
  repulsion: "auto",
  neighbours: "auto",
} as const satisfies Required<TsneOptions>;

/** Fills in defaults and throws a RangeError naming the first bad option and its value. */
export function resolveTsneOptions(options: TsneOptions, rows: number): ResolvedTsneOptions {
  if (rows < 3 || rows > MAX_POINTS) throw new RangeError(`rows must be in 3..${MAX_POINTS} for t-SNE (got ${rows})`);
  const o = { ...TSNE_DEFAULTS, ...stripUndefined(options) };
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
  const init = o.init;
  if (init instanceof Float32Array) {
    if (init.length !== rows * 2)
      throw new RangeError(`init must hold rows * 2 = ${rows * 2} values (got ${init.length})`);
    const bad = init.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`init[${bad}] must be finite (got ${init[bad]})`);
  } else {
    check("init", init, init === "random" || init === "pca", "'random', 'pca' or a Float32Array [rows, 2]");
  }
  return {
    ...o,
    learningRate: rate === "auto" ? Math.max(rows / o.earlyExaggeration, 200) : rate,
    init,
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

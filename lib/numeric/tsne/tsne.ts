// Step-wise Barnes–Hut t-SNE to 2-D (PCA → exact kNN → perplexity-calibrated sparse P → gradient descent).
import { createRng } from "../random";
import { computeAffinities, type SparseP } from "./affinities";
import { createRepulsion } from "./barnes-hut";
import { klDivergence as klWithNormaliser } from "./kl";
import { computeKnn, type KnnGraph } from "./knn";
import { assertMatrix, type Matrix } from "./matrix";
import { resolveTsneOptions, type ResolvedTsneOptions, type TsneOptions } from "./options";
import { pca, pca2d } from "./pca";

export type { TsneOptions } from "./options";

/** Called after each step with the number of completed iterations; returning false stops the fit. */
export type TsneCallback = (iteration: number, tsne: Tsne) => boolean | void | Promise<boolean | void>;

export interface FitAsyncOptions {
  /** Yield to the event loop (setTimeout 0) once this many ms have passed since the last yield. Default 16; ≥ 0. */
  yieldEveryMs?: number;
}

export interface Tsne {
  /** Completed iterations, 0 before the first step. */
  readonly iteration: number;
  /** The iteration budget (options.iterations). */
  readonly iterations: number;
  /** The options in force, defaults filled in and 'auto' resolved. */
  readonly options: ResolvedTsneOptions;
  /** The symmetric input affinities P (over the kNN graph), Σ p = 1. */
  readonly p: SparseP;
  /** What 'auto' chose for the repulsive forces, to record with the layout. */
  readonly repulsion: "fft" | "barnes-hut";
  /** What 'auto' chose for the input neighbours, to record with the layout. */
  readonly neighbours: "exact" | "approximate";
  /** The kNN graph P came from, nearest first (UMAP of the same source reuses it). */
  readonly knn: KnnGraph;
  /** Runs one iteration unless the budget is spent; returns the completed iteration count. */
  step(): number;
  /** A copy of the current layout, [rows, 2]. */
  embedding(): Float32Array;
  /**
   * KL(P ‖ Q) of the current layout in nats, against the un-exaggerated P, over P's non-zero entries (exact), with
   * the normaliser Z from a Barnes–Hut pass at the current layout (the same θ), like scikit-learn's kl_divergence_.
   * Costs about one iteration; cached until the next step.
   */
  klDivergence(): number;
  /** Runs the remaining iterations synchronously; returns the final layout. */
  fit(): Float32Array;
  /**
   * Runs the remaining iterations, yielding to the event loop every `yieldEveryMs`, calling `onIteration` after
   * each step and stopping early when it returns (or resolves to) false. Resolves to the layout when done.
   */
  fitAsync(onIteration?: TsneCallback, options?: FitAsyncOptions): Promise<Float32Array>;
}

const MOMENTUM_EXAGGERATED = 0.5;
const MOMENTUM_FINAL = 0.8;
const GAIN_INCREMENT = 0.2;
const GAIN_DECAY = 0.8;
const MIN_GAIN = 0.01;
/** Standard deviation of the initial layout's x coordinate (random and PCA init). */
const INIT_STD = 1e-4;

/**
 * Prepares t-SNE of `input` [rows, cols] (float32, row-major): PCA to `pcaDimensions` when wider, exact kNN with
 * k = min(rows - 1, ceil(3 · perplexity)), calibrated and symmetrised P, initial layout. This part runs
 * synchronously (a few seconds for 10,000 × 784); then call step(), fit() or fitAsync().
 * Deterministic: the same input and options give bit-identical layouts.
 */
export function createTsne(input: Matrix, options: TsneOptions = {}): Tsne {
  assertMatrix(input);
  const opts = resolveTsneOptions(options, input.rows);
  const n = input.rows;
  const reduced = input.cols > opts.pcaDimensions ? pca(input, opts.pcaDimensions).projected : input;
  const k = Math.min(n - 1, Math.ceil(3 * opts.perplexity));
  const knn = computeKnn(reduced, k);
  const p = computeAffinities(knn, opts.perplexity);

  const y = initialLayout(opts, reduced);
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const gradient = new Float64Array(2 * n);
  const repulsion = new Float64Array(2 * n);
  const repel = createRepulsion(n);
  let iteration = 0;
  let cachedKl: { iteration: number; value: number } | undefined;

  function step(): number {
    if (iteration >= opts.iterations) return iteration;
    const exaggerating = iteration < opts.exaggerationIterations;
    if (iteration === opts.exaggerationIterations && iteration > 0) {
      // New phase, fresh optimiser state (scikit-learn restarts its gradient descent here).
      update.fill(0);
      gains.fill(1);
    }
    const z = repel(y, opts.theta, repulsion);
    attraction(p, y, gradient);
    const exaggeration = exaggerating ? opts.earlyExaggeration : 1;
    const momentum = exaggerating ? MOMENTUM_EXAGGERATED : MOMENTUM_FINAL;
    const rate = opts.learningRate;
    for (let d = 0; d < 2 * n; d++) {
      const g = exaggeration * gradient[d]! - repulsion[d]! / z;
      const u = update[d]!;
      let gain = gains[d]!;
      gain = u * g < 0 ? gain + GAIN_INCREMENT : gain * GAIN_DECAY;
      if (gain < MIN_GAIN) gain = MIN_GAIN;
      gains[d] = gain;
      const next = momentum * u - rate * gain * g;
      update[d] = next;
      y[d] = y[d]! + next;
    }
    return ++iteration;
  }

  const tsne: Tsne = {
    get iteration() {
      return iteration;
    },
    iterations: opts.iterations,
    options: opts,
    p,
    repulsion: "barnes-hut",
    neighbours: "exact",
    knn,
    step,
    embedding: () => Float32Array.from(y),
    klDivergence() {
      if (cachedKl?.iteration !== iteration) {
        const z = repel(y, opts.theta, repulsion);
        cachedKl = { iteration, value: klWithNormaliser(p, y, z) };
      }
      return cachedKl.value;
    },
    fit() {
      while (iteration < opts.iterations) step();
      return tsne.embedding();
    },
    async fitAsync(onIteration, { yieldEveryMs = 16 } = {}) {
      if (!(typeof yieldEveryMs === "number" && yieldEveryMs >= 0)) {
        throw new RangeError(`yieldEveryMs must be a number ≥ 0 (got ${String(yieldEveryMs)})`);
      }
      let lastYield = performance.now();
      while (iteration < opts.iterations) {
        step();
        const verdict = onIteration?.(iteration, tsne);
        if ((verdict instanceof Promise ? await verdict : verdict) === false) break;
        if (performance.now() - lastYield >= yieldEveryMs) {
          await new Promise<void>((resolve) => setTimeout(resolve, 0));
          lastYield = performance.now();
        }
      }
      return tsne.embedding();
    },
  };
  return tsne;
}

/**
 * Writes Σ_j p_ij w_ij (y_i - y_j) into `out` [n, 2]: the attractive half of the gradient (factor 4 omitted).
 * Each row gathers its own sum; visiting each symmetric pair once and scattering into both rows computes half
 * the weights but measured nearly twice as slow (the scattered writes stall).
 */
function attraction(p: SparseP, y: Float64Array, out: Float64Array): void {
  const { rowStart, cols, values } = p;
  for (let i = 0; i < p.n; i++) {
    const xi = y[2 * i]!;
    const yi = y[2 * i + 1]!;
    let fx = 0;
    let fy = 0;
    for (let s = rowStart[i]!; s < rowStart[i + 1]!; s++) {
      const j = cols[s]!;
      const dx = xi - y[2 * j]!;
      const dy = yi - y[2 * j + 1]!;
      const pw = values[s]! / (1 + dx * dx + dy * dy);
      fx += pw * dx;
      fy += pw * dy;
    }
    out[2 * i] = fx;
    out[2 * i + 1] = fy;
  }
}

/** The starting layout [rows, 2] as float64: a copy of a given one, scaled PCA, or seeded Gaussian noise. */
function initialLayout(opts: ResolvedTsneOptions, reduced: Matrix): Float64Array {
  const n = reduced.rows;
  if (opts.init instanceof Float32Array) return Float64Array.from(opts.init);
  const y = new Float64Array(2 * n);
  if (opts.init === "random") {
    const rng = createRng(opts.seed);
    for (let i = 0; i < 2 * n; i += 2) {
      // Box–Muller: two independent standard normals from two uniforms in (0, 1].
      const radius = Math.sqrt(-2 * Math.log(1 - rng()));
      const angle = 2 * Math.PI * rng();
      y[i] = INIT_STD * radius * Math.cos(angle);
      y[i + 1] = INIT_STD * radius * Math.sin(angle);
    }
    return y;
  }
  const twoD = pca2d(reduced);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += twoD[2 * i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (twoD[2 * i]! - mean) ** 2;
  const std = Math.sqrt(variance / n);
  const scale = std > 0 ? INIT_STD / std : 1;
  for (let d = 0; d < 2 * n; d++) y[d] = twoD[d]! * scale;
  return y;
}

// Step-wise t-SNE to 2-D (PCA → kNN → perplexity-calibrated sparse P → gradient descent with Barnes–Hut or
// FFT-interpolated repulsion), every heavy pass in fixed chunks over the thread pool.
import { nextTurn } from "../../core/next-turn";
import { sharedFloat64 } from "../parallel";
import { createRng } from "../random";
import { computeAffinities, type SparseP } from "./affinities";
import { approximateKnn } from "./ann";
import { attraction, attractionWorkspace } from "./attraction";
import { createRepulsion } from "./barnes-hut";
import { createFftRepulsion } from "./fft-repulsion";
import { klDivergence as klWithNormaliser } from "./kl";
import { computeKnn, type KnnGraph } from "./knn";
import { assertMatrix, type Matrix } from "./matrix";
import { resolveTsneOptions, type NeighbourMethod, type ResolvedTsneOptions, type TsneOptions } from "./options";
import { pca, pca2d } from "./pca";
import type { Repel, RepulsionMethod } from "./repulsion";

export type { TsneOptions } from "./options";

/** Milliseconds spent per phase: set-up once, then summed over the iterations run so far. */
export interface TsneTimings {
  pcaMs: number;
  knnMs: number;
  affinitiesMs: number;
  initMs: number;
  repulsionMs: number;
  /** The attractive pass, with the Barnes–Hut tree build it overlaps. */
  attractionMs: number;
  updateMs: number;
}

/** Called after each step with the number of completed iterations; returning false stops the fit. */
export type TsneCallback = (iteration: number, tsne: Tsne) => boolean | void | Promise<boolean | void>;

export interface FitAsyncOptions {
  /** Yield to the event loop (nextTurn) once this many ms have passed since the last yield. Default 16; ≥ 0. */
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
  /** The repulsion that runs ("auto" resolved), to record with the layout. */
  readonly repulsion: RepulsionMethod;
  /** How the neighbours were found ("auto" resolved), to record with the layout. */
  readonly neighbours: NeighbourMethod;
  /** The graph P came from: k = min(rows - 1, ceil(3 · perplexity)), nearest first (UMAP can reuse it). */
  readonly knn: KnnGraph;
  /** Where the time went so far. */
  readonly timings: Readonly<TsneTimings>;
  /** Runs one iteration unless the budget is spent; returns the completed iteration count. */
  step(): number;
  /** A copy of the current layout, [rows, 2]. */
  embedding(): Float32Array;
  /**
   * KL(P ‖ Q) of the current layout in nats, against the un-exaggerated P, over P's non-zero entries (exact), with
   * the normaliser Z from a repulsion pass of the method in use at the current layout (Barnes–Hut at the same θ, or
   * the FFT interpolation), like scikit-learn's kl_divergence_. Costs about one iteration; cached until the next step.
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
 * Prepares t-SNE of `input` [rows, cols] (float32, row-major): PCA to `pcaDimensions` when wider, kNN (exact or
 * approximate) with k = min(rows - 1, ceil(3 · perplexity)), calibrated and symmetrised P, initial layout. This part
 * runs synchronously (a few seconds for 10,000 × 784); then call step(), fit() or fitAsync().
 * Deterministic: the same input and options give bit-identical layouts, on any number of threads.
 */
export function createTsne(input: Matrix, options: TsneOptions = {}): Tsne {
  assertMatrix(input);
  const opts = resolveTsneOptions(options, input.rows);
  const { threads } = opts;
  const n = input.rows;
  const timings: TsneTimings = {
    pcaMs: 0,
    knnMs: 0,
    affinitiesMs: 0,
    initMs: 0,
    repulsionMs: 0,
    attractionMs: 0,
    updateMs: 0,
  };
  let mark = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  // Neighbours given: the PCA only serves a 'pca' start, which pca2d takes from the input itself.
  const given = options.knn;
  const reduced =
    !given && input.cols > opts.pcaDimensions ? pca(input, opts.pcaDimensions, { threads }).projected : input;
  timings.pcaMs = lap();
  const k = Math.min(n - 1, Math.ceil(3 * opts.perplexity));
  const knn =
    given ??
    (opts.neighbours === "approximate"
      ? approximateKnn(reduced, k, { seed: opts.seed, threads })
      : computeKnn(reduced, k, { threads }));
  timings.knnMs = lap();
  // P lives on the attraction kernel's shared wasm memory, which every pool thread reads.
  const work = attractionWorkspace(computeAffinities(knn, opts.perplexity, { threads }));
  const p = work.p;
  timings.affinitiesMs = lap();

  // The layout and the repulsive forces live on shared memory: the pool's threads read y and write the forces.
  const y = sharedFloat64(2 * n);
  y.set(initialLayout(opts, reduced));
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const gradient = new Float64Array(2 * n);
  const repulsion = sharedFloat64(2 * n);
  const repel = createRepel(opts, n);
  timings.initMs = lap();
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
    lap();
    // The Barnes–Hut tree is built in this thread while the pool's others start on the attraction.
    const prepare = repel.prepare;
    attraction(work, y, gradient, threads, prepare && (() => prepare(y)));
    timings.attractionMs += lap();
    const z = repel(y, repulsion);
    timings.repulsionMs += lap();
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
    timings.updateMs += lap();
    return ++iteration;
  }

  const tsne: Tsne = {
    get iteration() {
      return iteration;
    },
    iterations: opts.iterations,
    options: opts,
    p,
    repulsion: opts.repulsion,
    neighbours: opts.neighbours,
    knn,
    timings,
    step,
    embedding: () => Float32Array.from(y),
    klDivergence() {
      if (cachedKl?.iteration !== iteration) {
        const z = repel(y, repulsion);
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
          await nextTurn();
          lastYield = performance.now();
        }
      }
      return tsne.embedding();
    },
  };
  return tsne;
}

/** The repulsion the options ask for, on the options' thread count. */
function createRepel(opts: ResolvedTsneOptions, n: number): Repel {
  if (opts.repulsion === "fft") {
    return createFftRepulsion(n, {
      minBoxes: opts.fftMinBoxes,
      intervalsPerInteger: opts.fftIntervalsPerInteger,
      interpolationPoints: opts.fftInterpolationPoints,
      threads: opts.threads,
    });
  }
  const barnesHut = createRepulsion(n, { threads: opts.threads });
  return Object.assign((y: Float64Array, forces: Float64Array) => barnesHut(y, opts.theta, forces), {
    prepare: barnesHut.prepare,
  });
}

/** The starting layout [rows, 2] as float64: a copy of a given one, scaled PCA, or seeded Gaussian noise. */
function initialLayout(opts: ResolvedTsneOptions, reduced: Matrix): Float64Array {
  const n = reduced.rows;
  if (typeof opts.init !== "string") return Float64Array.from(opts.init);
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
  return pcaStart(pca2d(reduced, { threads: opts.threads }));
}

/**
 * The 'pca' start from a PCA layout [rows, 2] (its first two principal components): scaled so x has standard
 * deviation 1e-4, as scikit-learn; for a caller that has the PCA layout already (pass it as `init`).
 */
export function pcaStart(twoD: Float32Array): Float64Array {
  const n = twoD.length / 2;
  const y = new Float64Array(2 * n);
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

// Projects a run: each recorded epoch's probe layouts and pair figures (as soon as the epoch is recorded when following a
// training run), then the final test views with every thread, then the UMAP layouts. Stores what is missing only.
import "server-only";
import os from "node:os";
import type { Db } from "../../db/client";
import { listCompleteSources } from "../../db/pair-store";
import type { ProjectionMethod } from "../../core/projection";
import { finalLayoutKey, listFinalLayoutKeys } from "../../db/projections";
import { detachFollower } from "../../db/run-follow";
import { SEPARATION_K } from "../../numeric/pairs/separation";
import { PROBE_RATE_FACTOR, type LayoutContext, type LayoutSettings } from "./layout";
import { followState, projectEpochs, type RunSources } from "./epochs";
import type { ProjectEvent, ProjectResult } from "./events";
import { LANE_MAX_ROWS, laneCount, projectInLanes } from "./lanes";
import { projectSource, type RunWork, type SourceOutcome } from "./source-work";
import { dbSourceStore } from "./source-store";
import { listSources, probeDigits, sourceLabels, type ProjectionSource } from "./sources";
import { createTimings, type PhaseTimings } from "./timings";

export interface ProjectOptions {
  /** t-SNE iterations from a PCA start of the final test views. Default 1000. */
  iterations?: number;
  /**
   * t-SNE iterations from a PCA start of a probe source (each layer's first epoch, the probe pixels): the first epoch
   * has to fit within the next one's training. Default min(PROBE_ITERATIONS, iterations).
   */
  probeIterations?: number;
  /**
   * Iterations for an epoch started from the previous epoch's layout of the same layer, without exaggeration, at
   * PROBE_RATE_FACTOR times the 'auto' learning rate. Default WARM_ITERATIONS.
   */
  warmIterations?: number;
  /** Iterations at which the final test views keep a snapshot (the seed's replay). Default 50, 100, 250, 500. */
  snapshots?: number[];
  perplexity?: number;
  /** Neighbours for kNN accuracy and trustworthiness. Default 10. */
  k?: number;
  /** Threads once the run is no longer training. Default min(2, available cores); integer ≥ 1. */
  threads?: number;
  /** Threads while the run trains (training has the other core). Default 1. */
  liveThreads?: number;
  /** Keep watching a running run's new epochs until it ends, instead of projecting what is recorded and returning. */
  follow?: boolean;
  /** Wait between looks at a followed run, in ms. Default 100: a look is one indexed read, and every wait delays the epoch's layouts. */
  pollMs?: number;
  /** The layouts to compute. Default all three; UMAP's come last. */
  methods?: readonly ProjectionMethod[];
  /** Also store each probe source's pair figures (what npm run pairs stores). Default true. */
  pairs?: boolean;
  /** Adds each phase's milliseconds (npm run bench:project). */
  timings?: PhaseTimings;
  onEvent?: (event: ProjectEvent) => void;
  /** Stops between layouts, or inside a t-SNE (nothing partial is stored); what is stored stays. */
  signal?: AbortSignal;
}

export type { ProjectEvent, ProjectResult } from "./events";

/**
 * Default t-SNE iterations of a probe source from a PCA start, and from the previous epoch's layout: with the probe
 * learning rate (PROBE_RATE_FACTOR) an epoch's layouts fit within its training (docs/benchmarks.md, "The live
 * follower's epoch work"; 1,000 and 400 at the 'auto' rate before).
 */
export const PROBE_ITERATIONS = 500;
export const WARM_ITERATIONS = 250;

const ALL_METHODS: readonly ProjectionMethod[] = ["pca", "tsne", "umap"];

/** Two threads (one per core of the machines this runs on) unless fewer cores are available. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

/**
 * Computes and stores the missing layouts (and pair figures) of `runId`, in this order: the probe pixels and each
 * recorded epoch's probe layers (PCA and t-SNE warm-started from the previous epoch), each epoch whole before the
 * next; the final test views once the run has finished; then every UMAP layout (warm-started the same way). With
 * `follow`, a running run is watched every `pollMs` and each new epoch is projected as soon as it is recorded, with
 * `liveThreads` while it trains. Idempotent: a second call computes nothing. Errors name the run, source and method.
 */
export async function projectRun(db: Db, runId: number, options: ProjectOptions = {}): Promise<ProjectResult> {
  const iterations = options.iterations ?? 1000;
  const settings: LayoutSettings = {
    iterations,
    probeIterations: options.probeIterations ?? Math.min(PROBE_ITERATIONS, iterations),
    probeRateFactor: PROBE_RATE_FACTOR,
    warmIterations: options.warmIterations ?? WARM_ITERATIONS,
    snapshots: new Set(options.snapshots ?? [50, 100, 250, 500]),
    perplexity: options.perplexity ?? 30,
    k: options.k ?? 10,
    umapNeighbours: 15,
  };
  const threads = checkThreads("threads", options.threads ?? defaultThreads());
  const liveThreads = checkThreads("liveThreads", options.liveThreads ?? 1);
  const methods = options.methods ?? ALL_METHODS;
  const pairs = options.pairs ?? true;
  const timings = options.timings ?? createTimings();
  const signal = options.signal;
  const emit = options.onEvent;

  await followState(db, runId);
  const probeLabels = (await probeDigits(db, runId)).labels;
  const work: RunWork = {
    store: dbSourceStore(db, runId),
    runId,
    settings,
    stored: await listFinalLayoutKeys(db, runId),
    pairsStored: pairs ? await listCompleteSources(db, runId, SEPARATION_K) : new Set(),
    pairsK: SEPARATION_K,
    graphs: new Map(),
    labelsOf: async (s) => (s.subset === "probe" ? probeLabels : sourceLabels(db, runId, s)),
    onEvent: emit,
  };
  const result: ProjectResult = { computed: 0, pairs: 0, total: 0 };
  /**
   * Projects `sources` (each after the previous epoch of its layer); false when stopped (by `signal`, or by `stop`,
   * which discards a t-SNE under way). Sources are computed one at a time, in order, on `t` threads, except that with
   * several threads and no `stop` they go side by side on lanes of one thread each (lanes.ts), after those whose
   * t-SNE of more than LANE_MAX_ROWS rows is due.
   */
  const run: RunSources = async (sources, only, withPairs, t, stop, onDone) => {
    const ctx: LayoutContext = {
      threads: t,
      timings,
      signal: stop ? AbortSignal.any([stop, ...(signal ? [signal] : [])]) : signal,
    };
    const done = (s: ProjectionSource, outcome: SourceOutcome) => {
      result.computed += outcome.layouts;
      result.pairs += outcome.pairs;
      onDone?.(s, outcome);
    };
    // Large sources with a t-SNE due first, one at a time on every thread; then the rest side by side when they can be.
    const wide = (s: ProjectionSource) => s.rows > LANE_MAX_ROWS && only.includes("tsne");
    const small = sources.filter((s) => !wide(s));
    const lanes = stop ? 1 : laneCount(small, t);
    for (const s of lanes > 1 ? sources.filter(wide) : sources) {
      const outcome = await projectSource(work, s, only, withPairs, ctx);
      done(s, outcome);
      if (outcome.aborted || ctx.signal?.aborted) return false;
    }
    if (lanes > 1) return projectInLanes(work, small, only, withPairs, lanes, ctx, done);
    return true;
  };
  const liveMethods = methods.filter((m) => m !== "umap");

  try {
    await projectEpochs({
      db,
      runId,
      run,
      result,
      methods: liveMethods,
      pairs,
      threads,
      liveThreads,
      follow: options.follow ?? false,
      pollMs: options.pollMs ?? 100,
      signal,
      emit,
    });
  } finally {
    // Done with the epochs (the run ended, or this follower stops or failed): its trainer waits for it no longer.
    if (options.follow) await detachFollower(db, runId).catch(() => {});
  }
  if (signal?.aborted) return finish();
  // A followed run that was cancelled or failed gets no final or UMAP layouts: the worker is stopping this follower,
  // and `npm run project` on the run computes them later if wanted.
  if (options.follow && (await followState(db, runId)).status !== "succeeded") return finish();

  const sources = await listSources(db, runId);
  const finals = sources.filter((s) => s.subset === "test");
  if (finals.length > 0 && liveMethods.length > 0) {
    emit?.({ type: "phase", phase: "final", threads });
    if (!(await run(finals, liveMethods, false, threads))) return finish();
  }
  // A probe source recorded after the last look (a one-shot projection of a run still training) is left to the next call.
  if (methods.includes("umap")) {
    emit?.({ type: "phase", phase: "umap", threads });
    if (!(await run(sources, ["umap"], false, threads))) return finish();
  }
  return finish();

  async function finish(): Promise<ProjectResult> {
    const all = await listSources(db, runId);
    result.total = all.reduce((n, s) => n + methods.filter((m) => work.stored.has(finalLayoutKey(s, m))).length, 0);
    return result;
  }
}

function checkThreads(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1 (got ${value})`);
  return value;
}

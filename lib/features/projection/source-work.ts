// The projection of one source: its missing layouts (PCA, t-SNE, UMAP) and pair figures, computed and stored.
import "server-only";
import { cellId } from "../../db/pair-store";
import type { ProjectionMethod } from "../../core/projection";
import { finalLayoutKey } from "../../db/projections";
import type { PairScore } from "../../numeric/pairs/separation";
import type { Matrix } from "../../numeric/tsne/matrix";
import { sourceSeparations } from "./pair-figures";
import {
  assertFinite,
  computePcaLayout,
  computeTsneLayout,
  computeUmapLayout,
  reduceInput,
  scoreLayouts,
  scoreLayoutsAndPairs,
  type ComputedLayout,
  type LayoutContext,
  type LayoutSettings,
  type OnSnapshot,
  type ReducedInput,
  type UmapGraph,
} from "./layout";
import { describeSource, sourceKey, type ProjectionSource } from "./sources";
import { timed, timedAsync } from "./timings";

export type SourceEvent =
  | {
      type: "layout";
      key: string;
      method: ProjectionMethod;
      seconds: number;
      knnAccuracy: number;
      trustworthiness: number;
      kl?: number;
      /** What optimised it and its input neighbours (null for PCA). */
      algorithm: string | null;
      neighbours: string | null;
      threads: number;
    }
  | { type: "pairs"; key: string; seconds: number };

/**
 * Where a source's input comes from and its results go: the database (dbSourceStore), or the thread that projects
 * sources side by side (lanes.ts), which hands both to the caller's database.
 */
export interface SourceStore {
  loadMatrix(source: ProjectionSource): Promise<Matrix>;
  /** The previous epoch's final layout by `method` of a probe layer (its warm start), else null. */
  previousLayout(source: ProjectionSource, method: ProjectionMethod): Promise<Float32Array | null>;
  storeLayout(source: ProjectionSource, layout: ComputedLayout, rows: number): Promise<void>;
  storePairs(source: ProjectionSource, k: number, scores: PairScore[]): Promise<void>;
}

/** What a run's projection keeps between sources: what is stored, the graphs kept for UMAP, the labels. */
export interface RunWork {
  store: SourceStore;
  runId: number;
  settings: LayoutSettings;
  /** finalLayoutKey of every final layout stored, kept up to date as layouts are stored. */
  stored: Set<string>;
  /** cellId of every probe source whose pair figures are complete, kept up to date. */
  pairsStored: Set<string>;
  /** Neighbours of the pair figures' kNN purity. */
  pairsK: number;
  /** The t-SNE's graph of each source (by sourceKey), until its UMAP has used it. */
  graphs: Map<string, UmapGraph>;
  /** True labels of a source's rows. */
  labelsOf(source: ProjectionSource): Promise<Uint8Array>;
  onEvent?: ((event: SourceEvent) => void) | undefined;
}

/** Layouts and pair figures computed for one source; `aborted` when the signal stopped it before the end. */
export interface SourceOutcome {
  layouts: number;
  pairs: number;
  aborted: boolean;
}

/** The layouts by `methods` of `source` not stored yet, in order, and whether its pair figures are wanted and missing. */
export function sourceNeeds(
  work: Pick<RunWork, "stored" | "pairsStored">,
  source: ProjectionSource,
  methods: readonly ProjectionMethod[],
  pairs: boolean,
): { missing: ProjectionMethod[]; wantPairs: boolean } {
  return {
    missing: methods.filter((m) => !work.stored.has(finalLayoutKey(source, m))),
    wantPairs: pairs && source.subset === "probe" && !work.pairsStored.has(cellId(source.layerIndex, source.epoch)),
  };
}

/**
 * Computes and stores what `methods` and `pairs` ask of `source` that is not stored yet (each layout stored whole or
 * not at all). The layouts share one PCA and one quality pass, so they are stored together once the last is computed
 * (a test view's t-SNE snapshots, its replay, are stored just before them); stopped inside a t-SNE, the layouts
 * computed before it are dropped too. A failure is rethrown naming the run, the source and the method, with the
 * original error as `cause`; a source whose data or layout is not finite stops before anything non-finite is stored.
 */
export async function projectSource(
  work: RunWork,
  source: ProjectionSource,
  methods: readonly ProjectionMethod[],
  pairs: boolean,
  ctx: LayoutContext,
): Promise<SourceOutcome> {
  const { store: io, runId } = work;
  const key = sourceKey(source);
  const { missing, wantPairs } = sourceNeeds(work, source, methods, pairs);
  const outcome: SourceOutcome = { layouts: 0, pairs: 0, aborted: false };
  if (missing.length === 0 && !wantPairs) return outcome;

  const described = `run ${runId}, ${describeSource(source)}`;
  const fail = (what: string, err: unknown) =>
    new Error(`${described}${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  let matrix: Matrix;
  let labels: Uint8Array;
  try {
    matrix = await timedAsync(ctx.timings, "read", () => io.loadMatrix(source));
    labels = await work.labelsOf(source);
    assertFinite(matrix.data, matrix.cols, `the stored ${matrix.rows} × ${matrix.cols} input`);
  } catch (err) {
    throw fail(`, ${missing.length > 0 ? METHOD_NAMES[missing[0]!] : "pair figures"}`, err);
  }
  const store = (layout: ComputedLayout) =>
    timedAsync(ctx.timings, "write", () => io.storeLayout(source, layout, matrix.rows));

  // Layouts wait for their quality figures here, so one pass over the input distances scores them all (and finds the
  // pair figures too, when they are due: `withPairs` returns them). A test view's t-SNE snapshots (its replay) wait
  // with them for the input's kNN accuracy they show, and are stored first: one 10,000-digit pass instead of two.
  let pending: ComputedLayout[] = [];
  const snapshots: ComputedLayout[] = [];
  // The input prepared once for the source's layouts (and a small source's whole distance matrix, its figures').
  let reduced: ReducedInput | undefined;
  const scoreAndStore = async (withPairs = false): Promise<PairScore[] | undefined> => {
    const layouts = pending;
    pending = [];
    let scores: PairScore[] | undefined;
    let inputAccuracy: number;
    try {
      if (withPairs) {
        const distances = reduced?.distances ?? null;
        const scored = scoreLayoutsAndPairs(matrix, labels, layouts, work.settings.k, work.pairsK, ctx, distances);
        scores = scored.scores;
        inputAccuracy = scored.inputAccuracy;
      } else inputAccuracy = scoreLayouts(matrix, labels, layouts, work.settings.k, ctx);
    } catch (err) {
      throw fail(`, ${METHOD_NAMES[layouts[0]!.method]}`, err);
    }
    for (const snapshot of snapshots.splice(0)) await store({ ...snapshot, knnAccuracy: inputAccuracy });
    for (const layout of layouts) {
      await store(layout);
      work.stored.add(finalLayoutKey(source, layout.method));
      outcome.layouts++;
      work.onEvent?.({
        type: "layout",
        key,
        method: layout.method,
        seconds: layout.durationMs / 1000,
        knnAccuracy: layout.knnAccuracy ?? Number.NaN,
        trustworthiness: layout.trustworthiness ?? Number.NaN,
        ...(layout.klDivergence !== null ? { kl: layout.klDivergence } : {}),
        algorithm: layout.algorithm ?? null,
        neighbours: layout.neighbours ?? null,
        threads: ctx.threads,
      });
    }
    return scores;
  };

  for (const method of missing) {
    if (ctx.signal?.aborted) return { ...outcome, aborted: true };
    let layout: ComputedLayout | null;
    try {
      if (method !== "umap") reduced ??= reduceInput(matrix, ctx);
      layout = await computeLayout(work, source, method, matrix, reduced, ctx, async (s) => void snapshots.push(s));
    } catch (err) {
      throw fail(`, ${METHOD_NAMES[method]}`, err);
    }
    // Stopped inside a t-SNE: what waits for its figures is dropped too (a PCA is quick to compute again), and the
    // t-SNE's snapshots.
    if (!layout) return { ...outcome, aborted: true };
    pending.push(layout);
  }
  // The pair figures' pass gives the quality figures too (their k within the pairs' k).
  const together = wantPairs && pending.length > 0 && work.settings.k <= work.pairsK;
  const started = performance.now();
  const scored = pending.length > 0 ? await scoreAndStore(together) : undefined;
  if (methods.includes("umap")) work.graphs.delete(key);

  if (wantPairs && !ctx.signal?.aborted) {
    try {
      const k = work.pairsK;
      const scores = scored ?? timed(ctx.timings, "pairs", () => sourceSeparations(matrix, labels, k, ctx.threads));
      await timedAsync(ctx.timings, "write", () => io.storePairs(source, k, scores));
    } catch (err) {
      throw fail(", pair figures", err);
    }
    work.pairsStored.add(cellId(source.layerIndex, source.epoch));
    outcome.pairs++;
    work.onEvent?.({ type: "pairs", key, seconds: (performance.now() - started) / 1000 });
  }
  return outcome;
}

const METHOD_NAMES: Record<ProjectionMethod, string> = { pca: "PCA", tsne: "t-SNE", umap: "UMAP" };

/** Whether `method` on `source` is a t-SNE that keeps snapshots on its way (the test views' replay). */
function hasSnapshots(work: RunWork, source: ProjectionSource, method: ProjectionMethod): boolean {
  return method === "tsne" && source.subset === "test" && work.settings.snapshots.size > 0;
}

async function computeLayout(
  work: RunWork,
  source: ProjectionSource,
  method: ProjectionMethod,
  matrix: Matrix,
  reduced: ReducedInput | undefined,
  ctx: LayoutContext,
  keepSnapshot: OnSnapshot,
): Promise<ComputedLayout | null> {
  const { settings } = work;
  if (method === "pca") return computePcaLayout(reduced!);
  const previous = await timedAsync(ctx.timings, "read", () => work.store.previousLayout(source, method));
  if (method === "umap") {
    const graph = work.graphs.get(sourceKey(source));
    return computeUmapLayout(matrix, settings, ctx, previous, graph);
  }
  const onSnapshot = hasSnapshots(work, source, method) ? keepSnapshot : undefined;
  const probe = source.subset === "probe";
  const result = await computeTsneLayout(reduced!, settings, ctx, previous, probe, onSnapshot);
  if (!result) return null;
  work.graphs.set(sourceKey(source), result.graph);
  return result.layout;
}

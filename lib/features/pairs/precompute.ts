// Precomputes a run's separation scores for all 45 digit pairs in every probe layer × epoch and the pixels, and stores them.
import "server-only";
import type { Db } from "../../db/client";
import { nextTurn } from "../../core/next-turn";
import { cellId, listCompleteSources } from "../../db/pair-store";
import { SEPARATION_K } from "../../numeric/pairs/separation";
import { storeSourceSeparations } from "../projection/pair-figures";
import { listSources, loadProbeMatrix, probeDigits } from "../projection/sources";

export interface PrecomputeOptions {
  /** Neighbours for kNN purity, 1..100; default SEPARATION_K (10), what the pages read. */
  k?: number;
  /** Stops between sources (each is stored whole or not at all). */
  signal?: AbortSignal;
  onEvent?: (event: PairsEvent) => void;
}

export type PairsEvent =
  | { type: "plan"; total: number; missing: number }
  | {
      type: "source";
      index: number;
      missing: number;
      layerIndex: number;
      layerName: string;
      epoch: number;
      ms: number;
    };

export interface PrecomputeResult {
  /** Sources (layer × epoch, and the pixels) computed now and in all. */
  computed: number;
  total: number;
  ms: number;
}

/**
 * Computes what is missing for `runId`: for each source whose 45 pairs are not all stored for k, one pass over every
 * pair of the run's probe digits (lib/numeric/pairs/separation.ts) gives all 45 pairs' scores, stored in one statement.
 * Idempotent: a second call computes nothing. Throws for an unknown run.
 */
export async function precomputeRunSeparations(
  db: Db,
  runId: number,
  options: PrecomputeOptions = {},
): Promise<PrecomputeResult> {
  const started = performance.now();
  const k = options.k ?? SEPARATION_K;
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new RangeError(`k must be a whole number in 1..100, got ${k}`);
  // The pixels first, then each probe embedding by epoch and layer; listSources throws for an unknown run.
  const probeSources = (await listSources(db, runId)).filter((s) => s.subset === "probe");
  const { indices, labels } = await probeDigits(db, runId);
  const sources = indices.length === 0 ? [] : probeSources;
  const complete = await listCompleteSources(db, runId, k);
  const missing = sources.filter((s) => !complete.has(cellId(s.layerIndex, s.epoch)));
  options.onEvent?.({ type: "plan", total: sources.length, missing: missing.length });
  let computed = 0;
  for (const source of missing) {
    await nextTurn();
    if (options.signal?.aborted) break;
    const t = performance.now();
    const matrix = await loadProbeMatrix(db, runId, source, indices.length);
    await storeSourceSeparations(db, runId, source, matrix, labels, k);
    computed++;
    options.onEvent?.({
      type: "source",
      index: computed,
      missing: missing.length,
      layerIndex: source.layerIndex,
      layerName: source.layerName,
      epoch: source.epoch,
      ms: performance.now() - t,
    });
  }
  return { computed, total: sources.length, ms: performance.now() - started };
}

// The per-epoch part of a run's projection: each recorded epoch's probe layouts and pair figures, in epoch order, as
// soon as the epoch is recorded when following a training run; the probe pixels fill the waits between epochs.
import "server-only";
import type { Db } from "../../db/client";
import type { ProjectionMethod } from "../../core/projection";
import { getRunFollowState, listEpochTimes, markEpochFollowed, type RunFollowState } from "../../db/run-follow";
import { STALE_RUN_MS } from "../../db/runs";
import type { ProjectEvent, ProjectResult } from "./events";
import { listSources, type ProjectionSource } from "./sources";

/**
 * Projects `sources` by `methods` (and their pair figures when `pairs`) with `threads`; false when stopped by the
 * caller's signal or by `stop` (a t-SNE under way is then discarded).
 */
export type RunSources = (
  sources: ProjectionSource[],
  methods: readonly ProjectionMethod[],
  pairs: boolean,
  threads: number,
  stop?: AbortSignal,
  /** Hears each source's counts as its layouts and pair figures are stored. */
  onDone?: (source: ProjectionSource, done: { layouts: number; pairs: number }) => void,
) => Promise<boolean>;

export interface EpochsOptions {
  db: Db;
  runId: number;
  run: RunSources;
  /** Counts of what `run` computed, read to report each epoch. */
  result: ProjectResult;
  methods: readonly ProjectionMethod[];
  pairs: boolean;
  threads: number;
  liveThreads: number;
  follow: boolean;
  pollMs: number;
  signal: AbortSignal | undefined;
  emit: ((event: ProjectEvent) => void) | undefined;
}

/**
 * Projects every recorded epoch's probe sources, epoch by epoch, with `liveThreads` while the run trains. Following,
 * it looks for new epochs every `pollMs` until the run ends. The probe pixels (epoch 0) need no training, so they wait
 * for a moment with no epoch to project once epoch 1 is done, and a newly recorded epoch interrupts them (a t-SNE
 * under way is discarded and computed again at the next wait): they hold an epoch up by one PCA or pair pass at most.
 * Each epoch done is marked on the run (markEpochFollowed): a trainer with a follower attached waits for that mark
 * before recording the next epoch.
 */
export async function projectEpochs(o: EpochsOptions): Promise<void> {
  const { db, runId, result, signal, emit } = o;
  let state = await followState(db, runId);
  let nextEpoch = 1;
  let pixelsDone = false;
  let phaseThreads = 0;
  const threadsNow = () => {
    const t = isTraining(state) ? o.liveThreads : o.threads;
    if (t !== phaseThreads) emit?.({ type: "phase", phase: "epochs", threads: (phaseThreads = t) });
    return t;
  };
  const probeSources = async (epoch: number) =>
    (await listSources(db, runId)).filter((s) => s.subset === "probe" && s.epoch === epoch);

  while (!signal?.aborted) {
    // Not training: every recorded epoch (and the pixels) at once, so independent layers can go side by side.
    if (nextEpoch <= state.latestEpoch && !isTraining(state)) {
      const last = state.latestEpoch;
      const sources = (await listSources(db, runId)).filter(
        (s) => s.subset === "probe" && ((s.epoch >= nextEpoch && s.epoch <= last) || (s.epoch === 0 && !pixelsDone)),
      );
      sources.sort((a, b) => a.epoch - b.epoch);
      threadsNow();
      const started = performance.now();
      const left = new Map<number, number>();
      const counts = new Map<number, { layouts: number; pairs: number }>();
      for (const s of sources) left.set(s.epoch, (left.get(s.epoch) ?? 0) + 1);
      const recorded = new Map((await listEpochTimes(db, runId)).map((e) => [e.epoch, e.createdAt]));
      const onDone = (s: ProjectionSource, done: { layouts: number; pairs: number }) => {
        const sum = counts.get(s.epoch) ?? { layouts: 0, pairs: 0 };
        counts.set(s.epoch, { layouts: sum.layouts + done.layouts, pairs: sum.pairs + done.pairs });
        left.set(s.epoch, left.get(s.epoch)! - 1);
        const total = counts.get(s.epoch)!;
        if (left.get(s.epoch) !== 0 || total.layouts + total.pairs === 0) return;
        const at = recorded.get(s.epoch);
        emit?.({
          type: "epoch",
          epoch: s.epoch,
          seconds: (performance.now() - started) / 1000,
          ...total,
          lagSeconds: s.epoch > 0 && at ? (Date.now() - at.getTime()) / 1000 : null,
          behind: false,
        });
      };
      if (!(await o.run(sources, o.methods, o.pairs, o.threads, undefined, onDone))) return;
      await markEpochFollowed(db, runId, last);
      pixelsDone = true;
      nextEpoch = last + 1;
      state = await followState(db, runId);
      continue;
    }
    if (nextEpoch <= state.latestEpoch) {
      const started = performance.now();
      const before = { ...result };
      const training = isTraining(state);
      if (!(await o.run(await probeSources(nextEpoch), o.methods, o.pairs, threadsNow()))) return;
      state = await followState(db, runId);
      // After the look above, so `behind` below is not set by the next epoch this mark lets the trainer record.
      await markEpochFollowed(db, runId, nextEpoch);
      if (result.computed > before.computed || result.pairs > before.pairs) {
        const recorded = (await listEpochTimes(db, runId)).find((e) => e.epoch === nextEpoch);
        emit?.({
          type: "epoch",
          epoch: nextEpoch,
          seconds: (performance.now() - started) / 1000,
          layouts: result.computed - before.computed,
          pairs: result.pairs - before.pairs,
          lagSeconds: recorded ? (Date.now() - recorded.createdAt.getTime()) / 1000 : null,
          behind: training && state.latestEpoch > nextEpoch,
        });
      }
      nextEpoch++;
      continue;
    }
    // Not before epoch 1's work: a follower starting late still catches epoch 1 as soon as it is recorded.
    if (!pixelsDone && (nextEpoch > 1 || !isTraining(state))) {
      const started = performance.now();
      const before = { ...result };
      const training = isTraining(state);
      const preempt = training ? watchForEpoch(db, runId, nextEpoch, Math.min(o.pollMs, 250)) : null;
      const done = await o.run(await probeSources(0), o.methods, o.pairs, threadsNow(), preempt?.signal);
      preempt?.cancel();
      if (!done && signal?.aborted) return;
      pixelsDone = done;
      if (done && (result.computed > before.computed || result.pairs > before.pairs))
        emit?.({
          type: "epoch",
          epoch: 0,
          seconds: (performance.now() - started) / 1000,
          layouts: result.computed - before.computed,
          pairs: result.pairs - before.pairs,
          lagSeconds: null,
          behind: false,
        });
      state = await followState(db, runId);
      continue;
    }
    if (!o.follow || !isTraining(state)) return;
    await sleep(o.pollMs, signal);
    state = await followState(db, runId);
  }
}

/** An abort signal that fires once epoch `epoch` is recorded (looked for every `pollMs`); cancel() stops looking. */
function watchForEpoch(db: Db, runId: number, epoch: number, pollMs: number) {
  const controller = new AbortController();
  let looking = false;
  const timer = setInterval(() => {
    if (looking) return;
    looking = true;
    getRunFollowState(db, runId)
      .then((s) => {
        if (!s || s.latestEpoch >= epoch || s.status !== "running") controller.abort();
      })
      .catch(() => controller.abort())
      .finally(() => {
        looking = false;
      });
  }, pollMs);
  return { signal: controller.signal, cancel: () => clearInterval(timer) };
}

export async function followState(db: Db, runId: number): Promise<RunFollowState> {
  const state = await getRunFollowState(db, runId);
  if (!state) throw new Error(`run ${runId} does not exist`);
  return state;
}

/** Still training: marked running, with a sign of life within STALE_RUN_MS (a killed trainer leaves it running). */
function isTraining(state: RunFollowState): boolean {
  if (state.status !== "running") return false;
  return state.progressAt === null || Date.now() - state.progressAt.getTime() < STALE_RUN_MS;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

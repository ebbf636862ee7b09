// Sources projected side by side, one per worker thread, each with one thread of numeric work: on two cores a
// finished run's probe epochs, its final views and its UMAP layouts keep both cores busy, where one source split over
// two threads leaves one core waiting through each source's serial steps (docs/benchmarks.md, issue 14's fourth round).
import "server-only";
import { Worker } from "node:worker_threads";
import type { ProjectionMethod } from "../../core/projection";
import { cellId } from "../../db/pair-store";
import { finalLayoutKey } from "../../db/projections";
import type { LayoutContext } from "./layout";
import type { LaneJob, LaneMessage } from "./lane-protocol";
import { sourceNeeds, type RunWork, type SourceOutcome } from "./source-work";
import { sourceKey, type ProjectionSource } from "./sources";
import { timedAsync, type PhaseTimings } from "./timings";

/** The lane's entry, named at run time so Next's bundler does not follow it into pages (as lib/numeric/parallel does). */
const WORKER_FILE = ["lane-worker", "mjs"].join(".");

interface Lane {
  worker: Worker;
  /** The job under way: its messages go here; a thread that dies fails it. */
  onMessage: ((message: LaneMessage) => void) | null;
  onFailure: ((err: Error) => void) | null;
}

const lanes: Lane[] = [];

function startLane(): Lane {
  const worker = new Worker(new URL(WORKER_FILE, import.meta.url), {
    // The lane imports server-only modules; its entry registers tsx itself. A process run with --cpu-prof profiles
    // its lanes too (docs/benchmarks.md, issue 14's fourth round, has such a profile).
    execArgv: ["--conditions=react-server", ...profilerFlags(process.execArgv)],
  });
  const lane: Lane = { worker, onMessage: null, onFailure: null };
  worker.unref();
  worker.on("message", (message: LaneMessage) => lane.onMessage?.(message));
  const fail = (err: Error) => {
    const at = lanes.indexOf(lane);
    if (at >= 0) lanes.splice(at, 1);
    lane.onFailure?.(err);
  };
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`a projection lane stopped (exit code ${code})`)));
  return lane;
}

/** The --cpu-prof flags of `argv` (with the value after a flag such as --cpu-prof-dir given apart). */
function profilerFlags(argv: readonly string[]): string[] {
  return argv.filter((arg, i) => arg.startsWith("--cpu-prof") || /^--cpu-prof-\w+$/.test(argv[i - 1] ?? ""));
}

/**
 * Stops every lane thread (the next projection starts new ones). A job a lane had under way is dropped, not failed:
 * a lane stopped here is not a lane that died (it may even report exit code 0, terminated while starting up).
 */
export async function closeLanes(): Promise<void> {
  const stopping = lanes.splice(0);
  for (const lane of stopping) {
    lane.onFailure = null;
    lane.onMessage = null;
  }
  await Promise.all(stopping.map((lane) => lane.worker.terminate()));
}

/** The chain a source's warm start runs along: the same layer of the same subset, epoch after epoch. */
const chainOf = (s: ProjectionSource) => `${s.subset}/${s.layerIndex}`;

/**
 * Sources with more rows than this have their t-SNE (and PCA and quality pass) computed one at a time on all threads:
 * those split well over threads, and the seed run's two 10,000-digit views took 36.5 s side by side on two lanes
 * against 29.2 s one after the other. Their UMAP layouts go on lanes: 30 s there against 39 s (docs/benchmarks.md).
 */
export const LANE_MAX_ROWS = 5000;

/** How many lanes `sources` (all at most LANE_MAX_ROWS rows) can keep busy: one per chain, at most `threads`. */
export function laneCount(sources: readonly ProjectionSource[], threads: number): number {
  return Math.min(threads, new Set(sources.map(chainOf)).size);
}

/**
 * Projects `sources` (what projectSource would, and storing the same) on `count` lane threads, a source starting once
 * the one before it in its chain (the previous epoch of its layer, whose layouts are its warm starts) is stored.
 * `onDone` hears each source's outcome as it is stored. Returns false when `ctx.signal` stopped it (the lanes are then
 * stopped, and what they had under way is lost); a failure stops the lanes too and is rethrown with its message.
 */
export async function projectInLanes(
  work: RunWork,
  sources: readonly ProjectionSource[],
  methods: readonly ProjectionMethod[],
  pairs: boolean,
  count: number,
  ctx: LayoutContext,
  onDone: (source: ProjectionSource, outcome: SourceOutcome) => void,
): Promise<boolean> {
  while (lanes.length < count) lanes.push(startLane());
  const free = lanes.slice(0, count);
  const pending = [...sources];
  const running = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const stopped = new Promise<void>((resolve) => {
    if (ctx.signal?.aborted) resolve();
    ctx.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  while ((pending.length > 0 || inFlight.size > 0) && failure === undefined && !ctx.signal?.aborted) {
    for (let at = nextReady(pending, running); free.length > 0 && at >= 0; at = nextReady(pending, running)) {
      const source = pending.splice(at, 1)[0]!;
      const lane = free.pop()!;
      running.add(chainOf(source));
      const job: Promise<void> = runOnLane(lane, work, source, methods, pairs, ctx)
        .then((outcome) => onDone(source, outcome))
        .catch((err: unknown) => {
          failure ??= err;
        })
        .finally(() => {
          free.push(lane);
          running.delete(chainOf(source));
          inFlight.delete(job);
        });
      inFlight.add(job);
    }
    await Promise.race([...inFlight, stopped]);
  }
  // What failed before the lanes are stopped, not what stopping them does to the jobs under way.
  const failed = failure;
  const aborted = ctx.signal?.aborted === true;
  if (failed !== undefined || aborted) await closeLanes();
  if (failed !== undefined) throw failed;
  return !aborted;
}

/** The first pending source that is first of its chain and whose chain has nothing under way; -1 if none. */
function nextReady(pending: readonly ProjectionSource[], running: ReadonlySet<string>): number {
  const seen = new Set<string>();
  for (let at = 0; at < pending.length; at++) {
    const chain = chainOf(pending[at]!);
    if (seen.has(chain)) continue;
    seen.add(chain);
    if (!running.has(chain)) return at;
  }
  return -1;
}

let nextId = 1;

/** Reads what one source needs, has a lane project it, and stores what comes back, in order. */
async function runOnLane(
  lane: Lane,
  work: RunWork,
  source: ProjectionSource,
  methods: readonly ProjectionMethod[],
  pairs: boolean,
  ctx: LayoutContext,
): Promise<SourceOutcome> {
  const { missing, wantPairs } = sourceNeeds(work, source, methods, pairs);
  if (missing.length === 0 && !wantPairs) return { layouts: 0, pairs: 0, aborted: false };
  const key = sourceKey(source);
  const matrix = await timedAsync(ctx.timings, "read", () => work.store.loadMatrix(source));
  const labels = await work.labelsOf(source);
  const previous: LaneJob["previous"] = {};
  for (const method of missing) {
    if (method === "pca") continue;
    const coords = await timedAsync(ctx.timings, "read", () => work.store.previousLayout(source, method));
    if (coords) previous[method] = coords;
  }
  const job: LaneJob = {
    id: nextId++,
    runId: work.runId,
    source,
    methods: [...methods],
    pairs,
    pairsK: work.pairsK,
    settings: { ...work.settings, snapshots: [...work.settings.snapshots] },
    stored: methods.filter((m) => !missing.includes(m)).map((m) => finalLayoutKey(source, m)),
    pairsStored: wantPairs ? [] : [cellId(source.layerIndex, source.epoch)],
    graph: work.graphs.get(key) ?? null,
    matrix,
    labels,
    previous,
  };
  return new Promise<SourceOutcome>((resolve, reject) => {
    // What the lane sends is handled in order: each store is written before the next message is looked at.
    let chain = Promise.resolve();
    const then = (step: () => Promise<void> | void) => {
      chain = chain.then(step).catch((err: unknown) => {
        settle();
        reject(err);
        return new Promise<void>(() => {});
      });
    };
    // A lane at work keeps the process alive; an idle one does not.
    lane.worker.ref();
    const settle = () => {
      lane.onMessage = null;
      lane.onFailure = null;
      lane.worker.unref();
    };
    lane.onFailure = (err) => reject(err);
    lane.onMessage = (message) => {
      switch (message.type) {
        case "layout":
          return then(async () => {
            const { layout, rows } = message;
            await timedAsync(ctx.timings, "write", () => work.store.storeLayout(source, layout, rows));
            if (layout.final) work.stored.add(finalLayoutKey(source, layout.method));
          });
        case "pairs":
          return then(async () => {
            await timedAsync(ctx.timings, "write", () => work.store.storePairs(source, message.k, message.scores));
            work.pairsStored.add(cellId(source.layerIndex, source.epoch));
          });
        case "event":
          return then(() => work.onEvent?.(message.event));
        case "done":
          return then(() => {
            settle();
            if (message.graph) work.graphs.set(key, message.graph);
            else work.graphs.delete(key);
            addTimings(ctx.timings, message.timings);
            resolve(message.outcome);
          });
        case "error":
          settle();
          return reject(new Error(message.message, message.cause ? { cause: new Error(message.cause) } : undefined));
      }
    };
    lane.worker.postMessage(job);
  });
}

function addTimings(into: PhaseTimings, add: PhaseTimings): void {
  for (const phase of Object.keys(into) as Array<keyof PhaseTimings>) into[phase] += add[phase];
}

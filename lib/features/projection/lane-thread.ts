// One projection lane: projects the sources it is sent, one at a time on this thread alone, and posts each layout,
// pair figure and event back to the thread that owns the database (lanes.ts).
import "server-only";
import { parentPort } from "node:worker_threads";
import type { LaneJob, LaneMessage } from "./lane-protocol";
import { projectSource, type RunWork, type SourceStore } from "./source-work";
import { sourceKey } from "./sources";
import { createTimings } from "./timings";

const port = parentPort;
if (!port) throw new Error("lane-thread.ts runs only as a worker thread (lanes.ts starts it)");
const post = (message: LaneMessage) => port.postMessage(message);

async function runJob(job: LaneJob): Promise<void> {
  const { id, source } = job;
  const key = sourceKey(source);
  // Stores are posted and not waited for: the owner stores them in order, before it counts the job done.
  const store: SourceStore = {
    loadMatrix: () => Promise.resolve(job.matrix),
    previousLayout: (_s, method) => Promise.resolve(job.previous[method] ?? null),
    storeLayout: (_s, layout, rows) => Promise.resolve(post({ type: "layout", id, layout, rows })),
    storePairs: (_s, k, scores) => Promise.resolve(post({ type: "pairs", id, k, scores })),
  };
  const timings = createTimings();
  const work: RunWork = {
    store,
    runId: job.runId,
    settings: { ...job.settings, snapshots: new Set(job.settings.snapshots) },
    stored: new Set(job.stored),
    pairsStored: new Set(job.pairsStored),
    pairsK: job.pairsK,
    graphs: new Map(job.graph ? [[key, job.graph]] : []),
    labelsOf: () => Promise.resolve(job.labels),
    onEvent: (event) => post({ type: "event", id, event }),
  };
  try {
    const outcome = await projectSource(work, source, job.methods, job.pairs, { threads: 1, timings });
    post({
      type: "done",
      id,
      outcome,
      graph: work.graphs.get(key) ?? null,
      timings,
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
    post({
      type: "error",
      id,
      message: err instanceof Error ? err.message : String(err),
      cause: cause ? `${cause.message}\n${cause.stack ?? ""}` : null,
    });
  }
}

// One job at a time: the owner sends the next only after this one's "done" or "error".
port.on("message", (job: LaneJob) => void runJob(job));

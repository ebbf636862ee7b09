// What `npm run bench:db` takes from a finished run (--db): the epoch time to compare the recording with, and one
// epoch's real probe embeddings to record (ReLU activations, mostly zeros: PostgreSQL's TOAST compresses them).
import { blobToFloat32 } from "../../lib/db/blobs";
import { openDatabase } from "../../lib/db/client";
import { listEpochEmbeddings } from "../../lib/db/embeddings";
import { listEpochMetrics } from "../../lib/db/run-pages";
import { getLatestSucceededRun, getRun } from "../../lib/db/runs";

export type Embeddings = Array<{ layerName: string; width: number; data: Float32Array }>;

export interface ReferenceRun {
  /** Median training time of the run's epochs, ms. */
  epochMs: number;
  /** Its last epoch's probe embeddings, by layer. */
  embeddings: Embeddings;
  describe: string;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Run `runId` (default the newest succeeded run) of the database at `where` (a file path or a URL). */
export async function readReferenceRun(where: string, runId: number | undefined): Promise<ReferenceRun> {
  const db = openDatabase(/^(file:|postgres)/.test(where) ? where : `file:${where}`);
  try {
    const run = runId !== undefined ? await getRun(db, runId) : await getLatestSucceededRun(db);
    if (!run) throw new Error(`--db ${where}: ${runId !== undefined ? `no run ${runId}` : "no succeeded run"}`);
    const epochs = (await listEpochMetrics(db, run.id)).filter((e) => e.durationMs > 0);
    if (epochs.length === 0) throw new Error(`--db ${where}: run ${run.id} has no timed epochs`);
    const last = epochs[epochs.length - 1]!.epoch;
    const rows = await listEpochEmbeddings(db, run.id, last);
    if (rows.length === 0 || rows.some((r) => r.dtype !== "float32"))
      throw new Error(`--db ${where}: run ${run.id} has no float32 probe embeddings for epoch ${last}`);
    return {
      epochMs: median(epochs.map((e) => e.durationMs)),
      embeddings: rows.map((r) => ({ layerName: r.layerName, width: r.cols, data: blobToFloat32(r.data) })),
      describe:
        `run ${run.id} (${run.name}, ${run.architecture}, ${run.trainSize} digits) in ${where}: ` +
        `median training time of its ${epochs.length} epochs, epoch ${last}'s embeddings`,
    };
  } finally {
    await db.close();
  }
}

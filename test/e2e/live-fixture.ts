// A real short run put back into "still training" and moved forward by the test, as the trainer and the job worker
// would: epochs recorded through insertEpochRecord, layouts through upsertProjection, pair figures through the pairs
// stage's precompute. Rows are taken from a real training and projection of the same run, so nothing is made up.
import { UMAP } from "umap-js";
import type { TestDb } from "../helpers/db";
import { trainShortRun } from "../helpers/train";
import { blobToFloat32, blobToInt32 } from "../../lib/db/blobs";
import { sqlDate } from "../../lib/db/sql";
import { listEpochEmbeddings } from "../../lib/db/embeddings";
import { claimQueuedJob, enqueueJob, finishJob, recordJobProgress, type JobStage } from "../../lib/db/jobs";
import {
  getProjectionCoords,
  listProjections,
  upsertProjection,
  type ProjectionRecord,
  type ProjectionSourceKey,
} from "../../lib/db/projections";
import { insertEpochRecord, type EpochRecord } from "../../lib/db/run-records";
import { precomputeRunSeparations } from "../../lib/features/pairs/precompute";
import { projectRun } from "../../lib/features/projection/project-run";
import { loadMnist } from "../../lib/mnist/dataset";
import { createRng } from "../../lib/numeric/random";
import { knnAccuracy, trustworthiness } from "../../lib/numeric/tsne/quality";
import type { ProjectionMethod } from "../../lib/core/projection";

export interface StoredLayout {
  source: ProjectionSourceKey;
  record: ProjectionRecord & { algorithm?: string; neighbours?: string };
}

const WORKER = "e2e-live";

export interface LiveRun {
  runId: number;
  epochs: number;
  /** Probe layouts of every epoch (and the probe pixels, epoch 0) as projectRun stored them; UMAP's from umap-js. */
  layouts: StoredLayout[];
  /** Puts the run back to `epochs` recorded epochs, no test-set rows, its job running at `stage`. */
  rewind(epochs: number, state: { status: "running" | "succeeded"; stage: JobStage }): Promise<void>;
  /** Records epoch `epoch` again, as the trainer does after it. */
  recordEpoch(epoch: number): Promise<void>;
  /** Stores the layouts of `epochs` (0: the pixels) by `methods`, as the job's projection does. */
  storeLayouts(epochs: number[], methods: ProjectionMethod[], layer?: number): Promise<void>;
  /** Deletes every layout of the run. */
  removeLayouts(): Promise<void>;
  /** Ends the run and its job. */
  finish(): Promise<void>;
}

/** Probe coordinates [rows, 2] by umap-js (the reference implementation) of one stored embedding. */
function umapOf(data: Float32Array, rows: number, cols: number, seed: number): Float32Array {
  const vectors = Array.from({ length: rows }, (_, r) => Array.from(data.subarray(r * cols, (r + 1) * cols)));
  const coords = new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, random: createRng(seed) }).fit(vectors);
  return Float32Array.from(coords.flat());
}

export async function createLiveRun(db: TestDb, epochs: number): Promise<LiveRun> {
  const { runId, config } = await trainShortRun(db, {
    epochs,
    trainSize: 1500,
    testSize: 500,
    probeSize: 150,
    name: "live e2e",
  });
  // PCA and t-SNE only: the UMAP layouts are umap-js's, stored by the tests when they choose.
  await projectRun(db, runId, { iterations: 100, warmIterations: 30, snapshots: [], methods: ["pca", "tsne"] });
  await precomputeRunSeparations(db, runId);

  const layouts: StoredLayout[] = [];
  for (const p of (await listProjections(db, runId)).filter((p) => p.subset === "probe" && p.final)) {
    const source = { subset: "probe" as const, epoch: p.epoch, layerIndex: p.layerIndex };
    const method = p.method as ProjectionMethod;
    const coords = await getProjectionCoords(db, runId, { ...source, method, iteration: p.iteration });
    const { rows, iteration, knnAccuracy: acc, trustworthiness: trust, klDivergence, durationMs } = p;
    layouts.push({
      source,
      record: {
        method,
        iteration,
        final: true,
        rows,
        coords: coords!,
        knnAccuracy: acc,
        trustworthiness: trust,
        klDivergence,
        durationMs,
      },
    });
  }
  const labels = loadMnist().test.labels;
  const records = new Map<number, EpochRecord>();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const row = await db.prisma.epoch.findUniqueOrThrow({ where: { runId_epoch: { runId, epoch } } });
    const embeddings = await listEpochEmbeddings(db, runId, epoch);
    records.set(epoch, {
      epoch,
      loss: row.loss,
      accuracy: row.accuracy,
      valLoss: row.valLoss,
      valAccuracy: row.valAccuracy,
      testLoss: row.testLoss ?? 0,
      testAccuracy: row.testAccuracy ?? 0,
      durationMs: row.durationMs,
      evalMs: row.evalMs,
      improved: false,
      confusion: Int32Array.from(JSON.parse(row.confusion) as number[]),
      probeProbs: blobToFloat32(row.probeProbs!),
      embeddings: embeddings.map((e) => ({ layerName: e.layerName, width: e.cols, data: blobToFloat32(e.data) })),
    });
    // UMAP of every layer at this epoch, with the figures the pipeline stores beside a layout.
    const probe = (await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).probeIndices!;
    const probeLabels = Uint8Array.from(blobToInt32(probe), (i) => labels[i]!);
    for (const e of embeddings) {
      const data = blobToFloat32(e.data);
      const coords = umapOf(data, e.rows, e.cols, epoch * 10 + e.layerIndex);
      const high = { data, rows: e.rows, cols: e.cols };
      layouts.push({
        source: { subset: "probe", epoch, layerIndex: e.layerIndex },
        record: {
          method: "umap",
          iteration: 500,
          final: true,
          rows: e.rows,
          coords,
          knnAccuracy: knnAccuracy(data, e.rows, e.cols, probeLabels, 10),
          trustworthiness: trustworthiness(high, { data: coords, rows: e.rows, cols: 2 }, 10),
          klDivergence: null,
          durationMs: 0,
          algorithm: "sgd",
          neighbours: "exact",
        },
      });
    }
  }

  const jobId = await enqueueJob(db, config, "e2e");
  await db.prisma.run.update({ where: { id: runId }, data: { jobId } });
  const setStage = async (stage: JobStage) => {
    await recordJobProgress(db, jobId, WORKER, { stage, progressEpoch: 0, progressBatch: 0, etaMs: null });
  };

  const sql = (statement: string, ...args: unknown[]) => db.sqlite.prepare(statement).run(...args);
  return {
    runId,
    epochs,
    layouts,
    async rewind(kept, { status, stage }) {
      sql("DELETE FROM Projection WHERE runId = ? AND (subset = 'test' OR epoch > ?)", runId, kept);
      sql("DELETE FROM PairSeparation WHERE runId = ? AND epoch > ?", runId, kept);
      sql("DELETE FROM Embedding WHERE runId = ? AND (subset = 'test' OR epoch > ?)", runId, kept);
      sql("DELETE FROM Epoch WHERE runId = ? AND epoch > ?", runId, kept);
      sql("DELETE FROM TestPredictions WHERE runId = ?", runId);
      sql("UPDATE Run SET status = ?, finishedAt = NULL, progressEpoch = ? WHERE id = ?", status, kept, runId);
      sql("UPDATE Job SET status = 'queued', workerId = NULL WHERE id = ?", jobId);
      await claimQueuedJob(db, WORKER);
      await setStage(stage);
    },
    async recordEpoch(epoch) {
      await insertEpochRecord(db, runId, records.get(epoch)!);
    },
    async storeLayouts(epochs, methods, layer) {
      for (const { source, record } of layouts) {
        if (!epochs.includes(source.epoch) || !methods.includes(record.method)) continue;
        if (layer !== undefined && source.layerIndex !== layer) continue;
        await upsertProjection(db, runId, source, record);
        // The pipeline's upsert records what computed a layout; until it lands here, the columns are set beside it.
        if (record.algorithm)
          sql(
            "UPDATE Projection SET algorithm = ?, neighbours = ? WHERE runId = ? AND subset = 'probe' AND epoch = ? AND layerIndex = ? AND method = ?",
            record.algorithm,
            record.neighbours ?? null,
            runId,
            source.epoch,
            source.layerIndex,
            record.method,
          );
      }
    },
    async removeLayouts() {
      sql("DELETE FROM Projection WHERE runId = ?", runId);
    },
    async finish() {
      sql("UPDATE Run SET status = 'succeeded', finishedAt = ? WHERE id = ?", sqlDate(), runId);
      await finishJob(db, jobId, WORKER, "succeeded", null);
    },
  };
}

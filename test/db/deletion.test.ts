import { afterEach, describe, expect, it } from "vitest";
import { toBlob } from "../../lib/db/blobs";
import { deleteJob, deleteRun, listRunSizes, readStorage, reclaimFreePages } from "../../lib/db/deletion";
import { claimQueuedJob, enqueueJob } from "../../lib/db/jobs";
import { insertEpochRecord } from "../../lib/db/run-records";
import { sqlDate } from "../../lib/db/sql";
import { parseTrainConfig } from "../../lib/core/train-config";
import { createTestDb, type TestDb } from "../helpers/db";
import { insertRun } from "./run-fixture";

const PROBE = 200;
const WIDTH = 512;

/** A run with `epochs` recorded epochs (3 layers × [200, 512] float32 each: 1.2 MB an epoch), projections and pairs. */
async function insertRecordedRun(db: TestDb, epochs: number, jobId?: number): Promise<number> {
  const runId = await insertRun(db, { status: "succeeded", epochsPlanned: epochs });
  if (jobId !== undefined) db.sqlite.prepare("UPDATE Run SET jobId = ? WHERE id = ?").run(jobId, runId);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    await insertEpochRecord(db, runId, {
      epoch,
      loss: 1,
      accuracy: 0.5,
      valLoss: 1,
      valAccuracy: 0.5,
      testLoss: 1,
      testAccuracy: 0.5,
      durationMs: 1,
      evalMs: 1,
      improved: epoch === 1,
      confusion: new Int32Array(100),
      probeProbs: new Float32Array(PROBE * 10).fill(epoch),
      embeddings: [0, 1, 2].map((l) => ({
        layerName: `dense_${l + 1}`,
        width: WIDTH,
        data: new Float32Array(PROBE * WIDTH).fill(epoch + l),
      })),
      ...(epoch === 1
        ? { checkpoint: { modelTopology: "{}", weightSpecs: "[]", weightData: new Uint8Array(400_000) } }
        : {}),
    });
    db.sqlite
      .prepare(
        `INSERT INTO Projection (runId, subset, epoch, layerIndex, method, iteration, final, rows, coords, createdAt)
         VALUES (?, 'probe', ?, 0, 'tsne', 1000, 1, ?, ?, ?)`,
      )
      .run(runId, epoch, PROBE, toBlob(new Float32Array(PROBE * 2)), sqlDate());
    db.sqlite
      .prepare(
        "INSERT INTO PairSeparation (runId, a, b, layerIndex, epoch, k, knnPurity, silhouette, count) VALUES (?, 3, 5, 0, ?, 10, 0.9, 0.4, 40)",
      )
      .run(runId, epoch);
  }
  return runId;
}

function countRows(db: TestDb, runId: number): Record<string, number> {
  const tables = ["Epoch", "Embedding", "Checkpoint", "Projection", "PairSeparation"];
  return Object.fromEntries(
    tables.map((t) => [
      t,
      (db.sqlite.prepare(`SELECT count(*) n FROM "${t}" WHERE runId = ?`).get(runId) as { n: number }).n,
    ]),
  );
}

describe("deleting runs and reclaiming their space", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("starts from a database in incremental auto-vacuum mode (set by the migration's one full VACUUM)", async () => {
    db = createTestDb();
    expect((await readStorage(db)).autoVacuum).toBe("incremental");
  });

  it("deletes a run with its epochs, embeddings, checkpoint, projections, pair figures and job, and nothing else", async () => {
    db = createTestDb();
    const config = parseTrainConfig({ name: "doomed", epochs: 3 });
    const jobId = await enqueueJob(db, config, "test");
    db.sqlite.prepare("UPDATE Job SET status = 'succeeded' WHERE id = ?").run(jobId);
    const doomed = await insertRecordedRun(db, 3, jobId);
    const kept = await insertRecordedRun(db, 2);
    const sizes = await listRunSizes(db);
    expect(sizes.map((s) => s.id)).toEqual([kept, doomed]);
    // 3 epochs × (3 × 409,600 embedding bytes + 8,000 probabilities + 1,600 coords) + the 400,000-byte checkpoint.
    expect(sizes[1]!.bytes).toBe(3 * (3 * PROBE * WIDTH * 4 + PROBE * 40 + PROBE * 8) + 400_000);

    const outcome = await deleteRun(db, doomed);
    expect(outcome).toMatchObject({ outcome: "deleted", runId: doomed, jobId });
    if (outcome.outcome !== "deleted") throw new Error("not deleted");
    // The blobs' pages are on the freelist: at least their bytes, give or take the pages they shared.
    expect(outcome.freedBytes).toBeGreaterThan(sizes[1]!.bytes * 0.95);
    expect(countRows(db, doomed)).toEqual({ Epoch: 0, Embedding: 0, Checkpoint: 0, Projection: 0, PairSeparation: 0 });
    expect(await db.prisma.job.count({ where: { id: jobId } })).toBe(0);
    expect(countRows(db, kept)).toEqual({ Epoch: 2, Embedding: 6, Checkpoint: 1, Projection: 2, PairSeparation: 2 });
  });

  it("returns the freed pages to the filesystem in steps of at most N pages", async () => {
    db = createTestDb();
    const runId = await insertRecordedRun(db, 4);
    await deleteRun(db, runId);
    const before = await readStorage(db);
    const pageSize = Number(db.sqlite.pragma("page_size", { simple: true }));
    const steps: number[] = [];
    for (let bytes = await reclaimFreePages(db, 64); bytes > 0; bytes = await reclaimFreePages(db, 64))
      steps.push(bytes);
    expect(Math.max(...steps)).toBe(64 * pageSize);
    expect(steps.reduce((a, b) => a + b, 0)).toBe(before.freeBytes);
    const after = await readStorage(db);
    expect(after.freeBytes).toBe(0);
    // The file shrinks by the freed pages (and by the pointer-map pages that tracked them).
    expect(before.fileBytes - after.fileBytes).toBeGreaterThanOrEqual(before.freeBytes);
    await expect(reclaimFreePages(db, 0)).rejects.toThrow("maxPages must be an integer in 1..1000000, got 0");
  });

  it("refuses while the run's job is queued or running, and while a run without a job still trains", async () => {
    db = createTestDb();
    const config = parseTrainConfig({ name: "busy", epochs: 1 });
    const queued = await enqueueJob(db, config, "test");
    expect(await deleteJob(db, queued)).toEqual({ outcome: "job-active", jobId: queued, jobStatus: "queued" });
    await claimQueuedJob(db, "w1");
    const runId = await insertRecordedRun(db, 1, queued);
    db.sqlite.prepare("UPDATE Run SET status = 'running' WHERE id = ?").run(runId);
    expect(await deleteRun(db, runId)).toEqual({ outcome: "job-active", jobId: queued, jobStatus: "running" });

    const cli = await insertRun(db, { status: "running" });
    expect(await deleteRun(db, cli)).toEqual({ outcome: "run-active", runId: cli });
    // Its heartbeat stopped long ago: a dead process, so the run can go.
    expect(await deleteRun(db, cli, new Date(Date.now() + 10 * 60_000))).toMatchObject({ outcome: "deleted" });
    expect(await deleteRun(db, 999_999)).toEqual({ outcome: "not-found" });
    expect(await deleteJob(db, 999_999)).toEqual({ outcome: "not-found" });
  });
});

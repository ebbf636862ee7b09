import { afterEach, describe, expect, it } from "vitest";
import { toBlob } from "../../lib/db/blobs";
import { deleteJob, deleteRun, listRunSizes, readStorage, reclaimFreePages } from "../../lib/db/deletion";
import { claimQueuedJob, enqueueJob } from "../../lib/db/jobs";
import { insertEpochRecord } from "../../lib/db/run-records";
import { sqlDate } from "../../lib/db/sql";
import { parseTrainConfig } from "../../lib/core/train-config";
import { createEngineTestDb, testEngine, type EngineTestDb as TestDb } from "../helpers/db";
import { insertRun } from "./run-fixture";

const PROBE = 200;
const WIDTH = 512;

/** A run with `epochs` recorded epochs (3 layers × [200, 512] float32 each: 1.2 MB an epoch), projections and pairs. */
async function insertRecordedRun(db: TestDb, epochs: number, jobId?: number): Promise<number> {
  const runId = await insertRun(db, { status: "succeeded", epochsPlanned: epochs });
  if (jobId !== undefined) await db.kysely.updateTable("Run").set({ jobId }).where("id", "=", runId).execute();
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
    await db.kysely
      .insertInto("Projection")
      .values({
        runId,
        subset: "probe",
        epoch,
        layerIndex: 0,
        method: "tsne",
        iteration: 1000,
        final: 1,
        rows: PROBE,
        coords: toBlob(new Float32Array(PROBE * 2)),
        createdAt: sqlDate(),
      })
      .execute();
    await db.kysely
      .insertInto("PairSeparation")
      .values({ runId, a: 3, b: 5, layerIndex: 0, epoch, k: 10, knnPurity: 0.9, silhouette: 0.4, count: 40 })
      .execute();
  }
  return runId;
}

async function countRows(db: TestDb, runId: number): Promise<Record<string, number>> {
  const tables = ["Epoch", "Embedding", "Checkpoint", "Projection", "PairSeparation"] as const;
  const counts = await Promise.all(
    tables.map(async (t) => {
      const row = await db.kysely
        .selectFrom(t)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("runId", "=", runId)
        .executeTakeFirstOrThrow();
      return [t, Number(row.n)] as const;
    }),
  );
  return Object.fromEntries(counts);
}

const sqliteOnly = it.runIf(testEngine() === "sqlite");
const postgresOnly = it.runIf(testEngine() === "postgres");

describe("deleting runs and reclaiming their space", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  sqliteOnly(
    "starts from a database in incremental auto-vacuum mode (set by the migration's one full VACUUM)",
    async () => {
      db = await createEngineTestDb();
      expect((await readStorage(db)).autoVacuum).toBe("incremental");
    },
  );

  it("deletes a run with its epochs, embeddings, checkpoint, projections, pair figures and job, and nothing else", async () => {
    db = await createEngineTestDb();
    const config = parseTrainConfig({ name: "doomed", epochs: 3 });
    const jobId = await enqueueJob(db, config, "test");
    await db.kysely.updateTable("Job").set({ status: "succeeded" }).where("id", "=", jobId).execute();
    const doomed = await insertRecordedRun(db, 3, jobId);
    const kept = await insertRecordedRun(db, 2);
    const sizes = await listRunSizes(db);
    expect(sizes.map((s) => s.id)).toEqual([kept, doomed]);
    // 3 epochs × (3 × 409,600 embedding bytes + 8,000 probabilities + 1,600 coords) + the 400,000-byte checkpoint.
    expect(sizes[1]!.bytes).toBe(3 * (3 * PROBE * WIDTH * 4 + PROBE * 40 + PROBE * 8) + 400_000);

    const outcome = await deleteRun(db, doomed);
    expect(outcome).toMatchObject({ outcome: "deleted", runId: doomed, jobId });
    if (outcome.outcome !== "deleted") throw new Error("not deleted");
    // SQLite: the blobs' pages are on the freelist, at least their bytes give or take the pages they shared.
    // PostgreSQL: the deleted blobs' bytes, which VACUUM makes reusable.
    expect(outcome.freedBytes).toBeGreaterThan(sizes[1]!.bytes * 0.95);
    expect(await countRows(db, doomed)).toEqual({
      Epoch: 0,
      Embedding: 0,
      Checkpoint: 0,
      Projection: 0,
      PairSeparation: 0,
    });
    expect(await db.prisma.job.count({ where: { id: jobId } })).toBe(0);
    expect(await countRows(db, kept)).toEqual({
      Epoch: 2,
      Embedding: 6,
      Checkpoint: 1,
      Projection: 2,
      PairSeparation: 2,
    });
  });

  postgresOnly("vacuums the run tables once after a deletion, and not again while nothing is dead", async () => {
    db = await createEngineTestDb();
    if (db.engine !== "postgres") throw new Error("postgres only");
    const runId = await insertRecordedRun(db, 2);
    await deleteRun(db, runId);
    const deadTuples = async () => {
      const { rows } = await db!.pool!.query<{ dead: string }>(
        `SELECT coalesce(sum(n_dead_tup), 0) AS dead FROM pg_stat_user_tables WHERE relname IN ('Run', 'Epoch', 'Embedding')`,
      );
      return Number(rows[0]!.dead);
    };
    // The statistics collector reports the deletion's dead rows shortly after the commit.
    await expect.poll(deadTuples, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await reclaimFreePages(db, 64)).toBeGreaterThanOrEqual(0);
    expect(await deadTuples()).toBe(0);
    const { rows } = await db.pool.query<{ at: Date | null }>(
      `SELECT last_vacuum AS at FROM pg_stat_user_tables WHERE relname = 'Embedding'`,
    );
    expect(rows[0]!.at).not.toBeNull();
    expect((await readStorage(db)).autoVacuum).toBe("postgres");
  });

  sqliteOnly("returns the freed pages to the filesystem in steps of at most N pages", async () => {
    db = await createEngineTestDb();
    if (db.engine !== "sqlite") throw new Error("sqlite only");
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
    db = await createEngineTestDb();
    const config = parseTrainConfig({ name: "busy", epochs: 1 });
    const queued = await enqueueJob(db, config, "test");
    expect(await deleteJob(db, queued)).toEqual({ outcome: "job-active", jobId: queued, jobStatus: "queued" });
    await claimQueuedJob(db, "w1");
    const runId = await insertRecordedRun(db, 1, queued);
    await db.kysely.updateTable("Run").set({ status: "running" }).where("id", "=", runId).execute();
    expect(await deleteRun(db, runId)).toEqual({ outcome: "job-active", jobId: queued, jobStatus: "running" });

    const cli = await insertRun(db, { status: "running" });
    expect(await deleteRun(db, cli)).toEqual({ outcome: "run-active", runId: cli });
    // Its heartbeat stopped long ago: a dead process, so the run can go.
    expect(await deleteRun(db, cli, new Date(Date.now() + 10 * 60_000))).toMatchObject({ outcome: "deleted" });
    expect(await deleteRun(db, 999_999)).toEqual({ outcome: "not-found" });
    expect(await deleteJob(db, 999_999)).toEqual({ outcome: "not-found" });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { readStorage } from "../../../lib/db/deletion";
import { claimQueuedJob, enqueueJob, finishJob } from "../../../lib/db/jobs";
import { deleteWhenStopped, reclaimInSteps, requestDeletion } from "../../../lib/features/jobs/deletion";
import { runWorker } from "../../../lib/features/jobs/worker";
import { toBlob } from "../../../lib/db/blobs";
import { sqlDate } from "../../../lib/db/sql";
import { parseTrainConfig } from "../../../lib/core/train-config";
import { createTestDb, type TestDb } from "../../helpers/db";
import { insertRun } from "../../db/run-fixture";

const CONFIG = parseTrainConfig({ name: "to delete", epochs: 1 });

/** A run of `job` holding `mb` MB of embedding blobs. */
async function insertRunWithBlobs(db: TestDb, jobId: number | null, mb: number): Promise<number> {
  const runId = await insertRun(db, { status: "succeeded" });
  db.sqlite.prepare("UPDATE Run SET jobId = ? WHERE id = ?").run(jobId, runId);
  const insert = db.sqlite.prepare(
    "INSERT INTO Embedding (runId, subset, epoch, layerIndex, layerName, rows, cols, data, createdAt) VALUES (?, 'probe', ?, 0, 'dense_1', 1000, 250, ?, ?)",
  );
  for (let i = 0; i < mb; i++) insert.run(runId, i + 1, toBlob(new Float32Array(250_000).fill(i)), sqlDate());
  return runId;
}

describe("the admin's deletions", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("cancel a queued job and delete it at once", async () => {
    db = createTestDb();
    const jobId = await enqueueJob(db, CONFIG, "test");
    expect(await requestDeletion(db, { jobId })).toMatchObject({ outcome: "deleted", jobId, runId: null });
    expect(await db.prisma.job.count()).toBe(0);
  });

  it("cancel a running job's run first, and delete it once its worker has recorded it stopped", async () => {
    db = createTestDb();
    const jobId = await enqueueJob(db, CONFIG, "test");
    await claimQueuedJob(db, "w1");
    const runId = await insertRunWithBlobs(db, jobId, 2);
    db.sqlite.prepare("UPDATE Run SET status = 'running' WHERE id = ?").run(runId);
    expect(await requestDeletion(db, { runId })).toEqual({ outcome: "cancelling", jobId });
    expect((await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).cancelRequested).toBe(true);
    // The worker's side of a cancel: the training process stops and the job is recorded cancelled.
    const waiting = deleteWhenStopped(db, { runId }, { pollMs: 20 });
    await finishJob(db, jobId, "w1", "cancelled", "cancelled by the admin");
    const outcome = await waiting;
    expect(outcome).toMatchObject({ outcome: "deleted", runId, jobId });
    expect(outcome.outcome === "deleted" && outcome.freedBytes).toBeGreaterThan(1_900_000);
    expect(await db.prisma.run.count()).toBe(0);
    expect(await db.prisma.embedding.count()).toBe(0);
  });

  it("return the freed space off the request path: a loop of bounded steps, and the idle worker's steps", async () => {
    db = createTestDb();
    await requestDeletion(db, { runId: await insertRunWithBlobs(db, null, 3) });
    const freed = (await readStorage(db)).freeBytes;
    expect(freed).toBeGreaterThan(3_000_000);
    expect(await reclaimInSteps(db, { pagesPerStep: 100, pauseMs: 0 })).toBe(freed);
    expect((await readStorage(db)).freeBytes).toBe(0);

    await requestDeletion(db, { runId: await insertRunWithBlobs(db, null, 3) });
    const log: string[] = [];
    await runWorker({
      db,
      workerId: "w-idle",
      signal: new AbortController().signal,
      env: process.env,
      exitWhenIdle: true,
      log: (line) => log.push(line),
    });
    expect((await readStorage(db)).freeBytes).toBe(0);
    expect(log.join("\n")).toMatch(/returned \d+ freed bytes to the filesystem/);
  });
});

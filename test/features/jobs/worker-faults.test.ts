import { afterEach, describe, expect, it } from "vitest";
import { blobToFloat32 } from "../../../lib/db/blobs";
import { parseJobForm } from "../../../lib/core/job-params";
import { enqueueJob, retryJob } from "../../../lib/db/jobs";
import { createTestDb, type TestDb } from "../../helpers/db";
import { spawnWorker, waitUntil, type WorkerProcess } from "./worker-process";

/** Small enough to train in seconds on a shared 2-core machine. */
function tinyConfig(overrides: Record<string, unknown> = {}) {
  const result = parseJobForm({
    hidden: "64",
    epochs: 1,
    trainSize: 1000,
    testSize: 500,
    probeSize: 50,
    batchSize: 32,
    ...overrides,
  });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.config;
}

/**
 * A job long enough (600 batches of 16 per epoch through a 512-wide layer, a few seconds per epoch even with the
 * fast kernels on a quiet machine) that a kill or a cancel lands mid-training rather than after the job finished.
 */
function slowConfig(overrides: Record<string, unknown>) {
  return tinyConfig({ hidden: "512", trainSize: 12_000, batchSize: 16, ...overrides });
}

describe("the worker under faults", () => {
  let db: TestDb | undefined;
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    workers.splice(0).forEach((w) => w.kill());
    await db?.cleanup();
    db = undefined;
  });

  it("runs a job exactly once when two workers start on it together", async () => {
    db = createTestDb();
    const jobId = await enqueueJob(db, tinyConfig({ name: "two workers" }), "test");
    const pair = [spawnWorker(db.file), spawnWorker(db.file)];
    workers.push(...pair);
    const exits = await Promise.all(pair.map((w) => w.exit));
    expect(exits.map((e) => e.code)).toEqual([0, 0]);
    const claims = pair.map((w) => w.lines.filter((l) => l.startsWith(`job ${jobId}: claimed by`)).length);
    expect(claims.sort()).toEqual([0, 1]);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } });
    expect(job).toMatchObject({ status: "succeeded", attempts: 1, progressEpoch: 1 });
    expect(await db.prisma.run.count()).toBe(1);
    expect(job.run).toMatchObject({ status: "succeeded", jobId });
  });

  it("fails a job whose training child is SIGKILLed mid-epoch, keeps its finished epochs, and a retry succeeds", async () => {
    db = createTestDb();
    // 600 batches per epoch; the kill lands in epoch 2 of 2 (the retry trains both again).
    const jobId = await enqueueJob(db, slowConfig({ name: "killed", epochs: 2 }), "test");
    const worker = spawnWorker(db.file, ["--no-projections", "--no-pairs", "--poll-ms=200"]);
    workers.push(worker);
    const pid = Number((await worker.waitForLine(new RegExp(`job ${jobId}: .*training in child pid (\\d+)`)))[1]);
    const during = await waitUntil(
      () => db!.prisma.job.findUniqueOrThrow({ where: { id: jobId } }),
      (j) => j.progressEpoch >= 1 && j.progressBatch > 0,
    );
    process.kill(pid, "SIGKILL");
    await worker.waitForLine(new RegExp(`job ${jobId}: failed`));

    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } });
    expect(job.status).toBe("failed");
    expect(job.error).toBe("the training process was killed by SIGKILL");
    expect(job.run!.status).toBe("failed");
    const epochs = await db.prisma.epoch.findMany({ where: { runId: job.run!.id }, orderBy: { epoch: "asc" } });
    expect(epochs.length).toBeGreaterThanOrEqual(during.progressEpoch);
    expect(epochs.length).toBe(1);
    for (const epoch of epochs) {
      expect(blobToFloat32(epoch.probeProbs!).length).toBe(50 * 10);
      const embeddings = await db.prisma.embedding.findMany({
        where: { runId: job.run!.id, epoch: epoch.epoch, subset: "probe" },
      });
      expect(embeddings.map((e) => e.data.byteLength)).toEqual([50 * 512 * 4]);
    }
    expect(await db.prisma.checkpoint.count({ where: { runId: job.run!.id, kind: "best" } })).toBe(1);

    const retry = await retryJob(db, jobId, "test");
    expect(retry.outcome).toBe("queued");
    await waitUntil(
      () => db!.prisma.job.findUniqueOrThrow({ where: { id: retry.jobId! }, include: { run: true } }),
      (j) => j.status === "succeeded" || j.status === "failed",
    );
    const retried = await db.prisma.job.findUniqueOrThrow({ where: { id: retry.jobId! }, include: { run: true } });
    expect(retried).toMatchObject({ status: "succeeded", retryOfId: jobId, error: null });
    expect(await db.prisma.epoch.count({ where: { runId: retried.run!.id } })).toBe(2);
    worker.child.kill("SIGTERM");
    expect((await worker.exit).code).toBe(0);
  });

  it("cancels a running job on request: the child stops at the next batch, finished epochs stay", async () => {
    db = createTestDb();
    const jobId = await enqueueJob(db, slowConfig({ name: "cancelled", epochs: 4 }), "test");
    const worker = spawnWorker(db.file);
    workers.push(worker);
    await waitUntil(
      () => db!.prisma.job.findUniqueOrThrow({ where: { id: jobId } }),
      (j) => j.progressEpoch >= 1,
    );
    await db.prisma.job.update({ where: { id: jobId }, data: { cancelRequested: true } });
    expect((await worker.exit).code).toBe(0);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } });
    expect(job.status).toBe("cancelled");
    expect(job.run!.status).toBe("cancelled");
    const finished = await db.prisma.epoch.count({ where: { runId: job.run!.id } });
    expect(finished).toBeGreaterThanOrEqual(1);
    expect(finished).toBeLessThan(4);
    expect(job.error).toBe(
      `cancelled by the admin after ${finished} finished epoch${finished === 1 ? "" : "s"}, which are kept`,
    );
  });

  it("stops with its worker: SIGTERM ends the training at the next batch and leaves the job failed and retryable", async () => {
    db = createTestDb();
    const jobId = await enqueueJob(db, slowConfig({ name: "interrupted", epochs: 4 }), "test");
    const worker = spawnWorker(db.file, ["--no-projections", "--no-pairs", "--poll-ms=200"]);
    workers.push(worker);
    await waitUntil(
      () => db!.prisma.job.findUniqueOrThrow({ where: { id: jobId } }),
      (j) => j.stage === "training",
    );
    worker.child.kill("SIGTERM");
    expect((await worker.exit).code).toBe(0);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } });
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/^interrupted: the worker was stopped/);
    expect(["cancelled", "failed"]).toContain(job.run!.status);
    expect((await retryJob(db, jobId, "test")).outcome).toBe("queued");
  });
});

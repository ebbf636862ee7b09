import { afterEach, describe, expect, it } from "vitest";
import {
  cancelJob,
  enqueueIfEmpty,
  enqueueJob,
  failStaleJobs,
  finishJob,
  heartbeatJob,
  recordJobProgress,
  retryJob,
  STALE_JOB_MS,
} from "../../../lib/db/jobs";
import { claimNextJob } from "../../../lib/features/jobs/queue";
import { fetchJobViews } from "../../../lib/features/jobs/view";
import { openDatabase } from "../../../lib/db/client";
import { parseTrainConfig } from "../../../lib/core/train-config";
import { createEngineTestDb, type EngineTestDb } from "../../helpers/db";

const TINY = parseTrainConfig({ name: "tiny", epochs: 1, trainSize: 1000, testSize: 500, probeSize: 50 });

describe("the job queue", () => {
  let db: EngineTestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("hands out queued jobs oldest first, each to one worker only", async () => {
    db = await createEngineTestDb();
    const first = await enqueueJob(db, TINY, "test");
    const second = await enqueueJob(db, TINY, "test");
    // A second connection, as a second worker process would have.
    const other = openDatabase(db.url);
    try {
      expect((await claimNextJob(db, "w1"))?.id).toBe(first);
      expect((await claimNextJob(other, "w2"))?.id).toBe(second);
      expect(await claimNextJob(db, "w1")).toBeNull();
      expect(await claimNextJob(other, "w2")).toBeNull();
    } finally {
      await other.close();
    }
    const jobs = await db.prisma.job.findMany({ orderBy: { id: "asc" } });
    expect(jobs.map((j) => [j.status, j.workerId, j.attempts, j.stage])).toEqual([
      ["running", "w1", 1, "starting"],
      ["running", "w2", 1, "starting"],
    ]);
  });

  it("only lets the owning worker write progress, heartbeats and the outcome", async () => {
    db = await createEngineTestDb();
    const id = await enqueueJob(db, TINY, "test");
    await claimNextJob(db, "w1");
    const progress = { stage: "training" as const, progressEpoch: 0, progressBatch: 3, etaMs: 1234.4 };
    expect(await recordJobProgress(db, id, "w2", progress)).toBe(false);
    expect(await recordJobProgress(db, id, "w1", progress)).toBe(true);
    expect(await heartbeatJob(db, id, "w2")).toBeNull();
    expect(await heartbeatJob(db, id, "w1")).toEqual({ cancelRequested: false });
    expect(await finishJob(db, id, "w2", "succeeded", null)).toBe(false);
    expect(await finishJob(db, id, "w1", "succeeded", null)).toBe(true);
    expect(await db.prisma.job.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "succeeded",
      stage: "done",
      progressBatch: 3,
      etaMs: null,
    });
  });

  it("cancels a queued job at once and asks a running one's worker to stop it", async () => {
    db = await createEngineTestDb();
    const queued = await enqueueJob(db, TINY, "test");
    const running = await enqueueJob(db, TINY, "test");
    expect(await cancelJob(db, queued)).toBe("cancelled");
    expect((await claimNextJob(db, "w1"))?.id).toBe(running);
    expect(await cancelJob(db, running)).toBe("requested");
    expect(await heartbeatJob(db, running, "w1")).toEqual({ cancelRequested: true });
    expect(await cancelJob(db, queued)).toBe("finished");
    expect(await cancelJob(db, 999)).toBe("not-found");
  });

  it("marks a running job failed once its heartbeat is older than the threshold, and it can be retried once", async () => {
    db = await createEngineTestDb();
    const id = await enqueueJob(db, TINY, "test");
    await claimNextJob(db, "w1");
    expect(await failStaleJobs(db, new Date())).toBe(0);
    expect(await failStaleJobs(db, new Date(Date.now() + STALE_JOB_MS + 5000))).toBe(1);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id } });
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/stopped sending heartbeats/);
    // The dead worker can no longer write to it.
    expect(await heartbeatJob(db, id, "w1")).toBeNull();
    const retry = await retryJob(db, id, "test");
    expect(retry.outcome).toBe("queued");
    expect(await retryJob(db, id, "test")).toEqual({ outcome: "already-retried", jobId: retry.jobId });
    const copy = await db.prisma.job.findUniqueOrThrow({ where: { id: retry.jobId! } });
    expect(copy).toMatchObject({ status: "queued", params: job.params, retryOfId: id });
    expect((await retryJob(db, copy.id, "test")).outcome).toBe("not-retryable");
    expect((await retryJob(db, 999, "test")).outcome).toBe("not-found");
  });

  it("queues the seed job only into a database without runs or jobs", async () => {
    db = await createEngineTestDb();
    const seed = parseTrainConfig({});
    const id = await enqueueIfEmpty(db, seed, "npm run up");
    expect(id).not.toBeNull();
    expect(await enqueueIfEmpty(db, seed, "npm run up")).toBeNull();
    const [view] = await fetchJobViews(db);
    expect(view).toMatchObject({
      id,
      status: "queued",
      name: "seed MLP",
      epochs: 16,
      queuedBy: "npm run up",
      run: null,
    });
    expect(view!.summary).toContain("MLP 512-512-512");
    expect(new Date(view!.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});

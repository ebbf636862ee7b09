import { afterEach, describe, expect, it } from "vitest";
import {
  cancelJob,
  enqueueIfEmpty,
  enqueueJob,
  finishJob,
  heartbeatJob,
  recordJobProgress,
  MAX_JOB_ATTEMPTS,
  recoverStaleJobs,
  retryJob,
  STALE_JOB_MS,
} from "../../../lib/db/jobs";
import { insertRun } from "../../db/run-fixture";
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

  it("queues a running job again once its heartbeat is older than the threshold, and the next claim counts attempt 2", async () => {
    db = await createEngineTestDb();
    const id = await enqueueJob(db, TINY, "test");
    await claimNextJob(db, "w1");
    const firstRun = await insertRun(db, { name: "attempt 1" });
    await db.prisma.run.update({ where: { id: firstRun }, data: { jobId: id } });
    const later = new Date(Date.now() + STALE_JOB_MS + 5000);
    expect(await recoverStaleJobs(db)).toEqual({ requeued: [], failed: [], finished: [] });
    expect(await recoverStaleJobs(db, { now: later })).toEqual({ requeued: [id], failed: [], finished: [] });
    const queued = await db.prisma.job.findUniqueOrThrow({ where: { id }, include: { run: true } });
    expect(queued).toMatchObject({ status: "queued", workerId: null, attempts: 1, run: null });
    expect(queued.error).toMatch(/^attempt 1: its worker stopped sending heartbeats .*; queued again$/);
    // The first attempt's run keeps its epochs, failed and detached, so the second attempt's run can take the job.
    const detached = await db.prisma.run.findUniqueOrThrow({ where: { id: firstRun } });
    expect(detached).toMatchObject({ status: "failed", jobId: null });
    expect(detached.error).toMatch(new RegExp(`^job ${id}, attempt 1: .*queued again$`));
    // The vanished worker can no longer write to it, before or after another takes it.
    expect(await heartbeatJob(db, id, "w1")).toBeNull();
    expect(await claimNextJob(db, "w2")).toMatchObject({ id, attempts: 2 });
    expect(await heartbeatJob(db, id, "w1")).toBeNull();
    expect(await finishJob(db, id, "w1", "failed", "late")).toBe(false);
    expect(await finishJob(db, id, "w2", "succeeded", null)).toBe(true);
    expect(await db.prisma.job.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "succeeded",
      attempts: 2,
      error: null,
    });
  });

  it("fails a stale job instead once it has had its attempts, or when its cancel was requested", async () => {
    db = await createEngineTestDb();
    const worn = await enqueueJob(db, TINY, "test");
    const cancelled = await enqueueJob(db, TINY, "test");
    const staleAfterMs = 2000;
    const later = () => new Date(Date.now() + staleAfterMs + 1000);
    for (let attempt = 1; attempt < MAX_JOB_ATTEMPTS; attempt++) {
      expect((await claimNextJob(db, `w${attempt}`))?.id).toBe(worn);
      expect(await recoverStaleJobs(db, { now: later(), staleAfterMs })).toEqual({
        requeued: [worn],
        failed: [],
        finished: [],
      });
    }
    expect((await claimNextJob(db, "w-last"))?.id).toBe(worn);
    expect((await claimNextJob(db, "w-other"))?.id).toBe(cancelled);
    expect(await cancelJob(db, cancelled)).toBe("requested");
    expect(await recoverStaleJobs(db, { now: later(), staleAfterMs })).toEqual({
      requeued: [],
      failed: [worn, cancelled],
      finished: [],
    });
    const jobs = await db.prisma.job.findMany({ orderBy: { id: "asc" } });
    expect(jobs.map((j) => [j.status, j.attempts])).toEqual([
      ["failed", MAX_JOB_ATTEMPTS],
      ["failed", 1],
    ]);
    expect(jobs[0]!.error).toMatch(new RegExp(`on each of its ${MAX_JOB_ATTEMPTS} attempts`));
    expect(jobs[1]!.error).toMatch(/its cancel had been requested/);
  });

  it("closes a stale job whose run had already succeeded instead of training it again", async () => {
    db = await createEngineTestDb();
    const id = await enqueueJob(db, TINY, "test");
    await claimNextJob(db, "w1");
    const runId = await insertRun(db, { status: "succeeded" });
    await db.prisma.run.update({ where: { id: runId }, data: { jobId: id } });
    expect(await recoverStaleJobs(db, { now: new Date(Date.now() + STALE_JOB_MS + 5000) })).toEqual({
      requeued: [],
      failed: [],
      finished: [id],
    });
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id }, include: { run: true } });
    expect(job).toMatchObject({ status: "succeeded", attempts: 1, run: { id: runId, status: "succeeded" } });
    expect(job.error).toContain(`npm run project -- --run ${runId}`);
  });

  it("marks a job failed by the stale recovery retryable once", async () => {
    db = await createEngineTestDb();
    const id = await enqueueJob(db, TINY, "test");
    await claimNextJob(db, "w1");
    await cancelJob(db, id);
    await recoverStaleJobs(db, { now: new Date(Date.now() + STALE_JOB_MS + 5000) });
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id } });
    expect(job.status).toBe("failed");
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

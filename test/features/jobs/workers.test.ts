import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { parseJobForm } from "../../../lib/core/job-params";
import { enqueueJob } from "../../../lib/db/jobs";
import { fetchWorkerViews } from "../../../lib/features/jobs/view";
import { createTestDb, type TestDb } from "../../helpers/db";
import { spawnWorker, waitUntil, type WorkerProcess } from "./worker-process";

function jobConfig(overrides: Record<string, unknown>) {
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

/** The worker id a spawned worker prints when it registers. */
async function registeredId(worker: WorkerProcess): Promise<string> {
  return (await worker.waitForLine(/^worker (\S+): registered on host/))[1]!;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Two worker processes on one SQLite file, as two hosts would run them against one database. */
describe("workers on several hosts", () => {
  let db: TestDb | undefined;
  const workers: WorkerProcess[] = [];
  const orphans: number[] = [];
  const lockers: Database.Database[] = [];
  afterEach(async () => {
    lockers.splice(0).forEach((l) => l.close());
    workers.splice(0).forEach((w) => w.kill());
    for (const pid of orphans.splice(0)) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    await db?.cleanup();
    db = undefined;
  });

  it("two workers drain the queue: both registered with their hosts, every job run once by one of them", async () => {
    db = createTestDb();
    const jobIds: number[] = [];
    for (let i = 0; i < 4; i++) jobIds.push(await enqueueJob(db, jobConfig({ name: `drain ${i}` }), "test"));
    const pair = [
      spawnWorker(db.file, undefined, { WORKER_HOST: "host-a" }),
      spawnWorker(db.file, undefined, { WORKER_HOST: "host-b" }),
    ];
    workers.push(...pair);
    const ids = await Promise.all(pair.map(registeredId));
    expect(ids[0]).toMatch(/^host-a:\d+:[0-9a-f]{6}$/);
    expect(ids[1]).toMatch(/^host-b:\d+:[0-9a-f]{6}$/);
    const exits = await Promise.all(pair.map((w) => w.exit));
    expect(
      exits.map((e) => e.code),
      pair.map((w) => w.lines.join("\n")).join("\n----\n"),
    ).toEqual([0, 0]);

    const views = await fetchWorkerViews(db);
    expect(views.map((w) => [w.host, w.state]).sort()).toEqual([
      ["host-a", "stopped"],
      ["host-b", "stopped"],
    ]);
    expect(views.reduce((sum, w) => sum + w.jobsDone, 0)).toBe(jobIds.length);
    expect(views.every((w) => w.jobsFailed === 0 && w.currentJobId === null)).toBe(true);
    const jobs = await db.prisma.job.findMany({ orderBy: { id: "asc" }, include: { run: true } });
    expect(jobs.map((j) => [j.status, j.attempts, j.run?.status])).toEqual(
      jobIds.map(() => ["succeeded", 1, "succeeded"]),
    );
    for (const job of jobs) expect(ids).toContain(job.workerId);
    // Each worker's count is the jobs that name it.
    for (const w of views) expect(w.jobsDone).toBe(jobs.filter((j) => j.workerId === w.id).length);
  }, 600_000);

  it("a worker killed with SIGKILL mid-job goes lost; another takes its job back once stale and finishes it as attempt 2", async () => {
    db = createTestDb();
    // Long enough that the kill lands in training: 750 batches of 16 through a 512-wide layer.
    const jobId = await enqueueJob(
      db,
      jobConfig({ name: "orphaned", hidden: "512", trainSize: 15_000, batchSize: 16 }),
      "test",
    );
    const staleFlags = ["--no-projections", "--no-pairs", "--poll-ms=200", "--stale-job-ms=10000"];
    const a = spawnWorker(db.file, staleFlags, { WORKER_HOST: "host-a" });
    workers.push(a);
    const aId = await registeredId(a);
    const childPid = Number((await a.waitForLine(new RegExp(`job ${jobId}: .*training in child pid (\\d+)`)))[1]);
    orphans.push(childPid);
    await waitUntil(
      () => db!.prisma.job.findUniqueOrThrow({ where: { id: jobId } }),
      (j) => j.stage === "training" && j.progressBatch > 0,
    );
    const b = spawnWorker(db.file, staleFlags, { WORKER_HOST: "host-b" });
    workers.push(b);
    const bId = await registeredId(b);
    // The worker alone, as a crash would end it; its training child loses its pipe and must not train on.
    a.child.kill("SIGKILL");
    await a.exit;
    const killedAt = Date.now();
    await waitUntil(
      () => isAlive(childPid),
      (alive) => !alive,
      60_000,
    );
    // Gone before the job could be taken back (10 s of silence): never two trainings of it at once.
    expect(await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({
      status: "running",
      workerId: aId,
      attempts: 1,
    });

    const lost = await waitUntil(
      () => fetchWorkerViews(db!, { lostAfterMs: 3000 }),
      (views) => views.find((w) => w.id === aId)?.state === "lost",
      60_000,
    );
    expect(lost.find((w) => w.id === bId)?.state).toMatch(/^(idle|running)$/);

    const done = await waitUntil(
      () => db!.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } }),
      (j) => j.status === "succeeded" || j.status === "failed",
      400_000,
    );
    expect(done, b.lines.join("\n")).toMatchObject({ status: "succeeded", attempts: 2, workerId: bId, error: null });
    expect(done.run!.status).toBe("succeeded");
    // Taken back only once stale: not before 10 s of silence.
    expect(b.lines.some((l) => new RegExp(`queued again job\\(s\\) ${jobId}\\b`).test(l))).toBe(true);
    const claimedAgainAt = done.startedAt!.getTime();
    expect(claimedAgainAt - killedAt).toBeGreaterThanOrEqual(10_000 - 2000);
    // The first attempt's run stays, failed, with its own note; it is no longer the job's.
    const runs = await db.prisma.run.findMany({ orderBy: { id: "asc" } });
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ status: "failed", jobId: null });
    expect(runs[0]!.error).toMatch(new RegExp(`^job ${jobId}, attempt 1: its worker stopped sending heartbeats`));
    expect(runs[1]).toMatchObject({ status: "succeeded", jobId });

    const views = await fetchWorkerViews(db, { lostAfterMs: 3000 });
    expect(views.find((w) => w.id === aId)).toMatchObject({
      host: "host-a",
      state: "lost",
      jobsDone: 0,
      jobsFailed: 1,
    });
    expect(views.find((w) => w.id === bId)).toMatchObject({ host: "host-b", jobsDone: 1, jobsFailed: 0 });
    b.child.kill("SIGTERM");
    expect((await b.exit).code).toBe(0);
    expect((await fetchWorkerViews(db)).find((w) => w.id === bId)?.state).toBe("stopped");
  }, 600_000);

  it("a worker that cannot beat for half the stale time stops its own training before another could take the job", async () => {
    db = createTestDb();
    const jobId = await enqueueJob(
      db,
      jobConfig({ name: "cut off", hidden: "512", trainSize: 15_000, batchSize: 16 }),
      "test",
    );
    const worker = spawnWorker(db.file, ["--no-projections", "--no-pairs", "--poll-ms=200", "--stale-job-ms=4000"], {
      WORKER_HOST: "host-c",
      DATABASE_BUSY_TIMEOUT_MS: "300",
    });
    workers.push(worker);
    await waitUntil(
      () => db!.prisma.job.findUniqueOrThrow({ where: { id: jobId } }),
      (j) => j.stage === "training" && j.progressBatch > 0,
    );
    // Another process holds the write lock: every heartbeat fails after the 300 ms busy timeout, as if cut off.
    const locker = new Database(db.file);
    lockers.push(locker);
    locker.exec("BEGIN IMMEDIATE; UPDATE Job SET queuedBy = queuedBy WHERE id = 0;");
    await worker.waitForLine(new RegExp(`job ${jobId}: no heartbeat recorded for over 2 s .*: SIGTERM`), 60_000);
    locker.exec("COMMIT");
    const job = await waitUntil(
      () => db!.prisma.job.findUniqueOrThrow({ where: { id: jobId } }),
      (j) => j.status !== "running",
      120_000,
    );
    expect(job, worker.lines.join("\n")).toMatchObject({ status: "failed", attempts: 1 });
    expect(job.error).toBe("interrupted: this worker lost the database before training finished; retry it");
    worker.child.kill("SIGTERM");
    expect((await worker.exit).code).toBe(0);
  }, 600_000);
});

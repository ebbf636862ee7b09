import { afterEach, describe, expect, it } from "vitest";
import { submitSweep } from "../../../lib/features/jobs/sweeps";
import { getSweep, listSweepJobRuns, listSweeps } from "../../../lib/db/sweeps";
import { claimQueuedJob, finishJob, retryJob } from "../../../lib/db/jobs";
import { parseTrainConfig } from "../../../lib/core/train-config";
import { estimateJobBytes } from "../../../lib/core/job-cost";
import { createEngineTestDb, type EngineTestDb } from "../../helpers/db";

const LIMITS = { maxTrainingMs: 6 * 3_600_000, maxStorageBytes: 5e9 };
const GRID = {
  name: "lr × width",
  mode: "grid",
  axes: { learningRate: { values: [0.001, 0.003] }, hidden: { values: [[32], [16]] } },
  fixed: { epochs: 1, trainSize: 500, testSize: 100, probeSize: 20 },
};

describe("queueing a sweep", () => {
  let db: EngineTestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("writes the sweep and one queued job per combination, the jobs pointing at it", async () => {
    db = await createEngineTestDb();
    const result = await submitSweep(db, GRID, "test", LIMITS);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.jobIds).toHaveLength(4);
    const sweep = await getSweep(db, result.sweepId);
    expect(sweep).toMatchObject({ name: "lr × width", mode: "grid", count: 4, queuedBy: "test" });
    expect(JSON.parse(sweep!.spec)).toMatchObject({ axes: GRID.axes, drawSeed: 0 });
    const jobs = await listSweepJobRuns(db, result.sweepId);
    expect(jobs.map((j) => j.jobId)).toEqual(result.jobIds);
    expect(jobs.every((j) => j.jobStatus === "queued" && j.runId === null)).toBe(true);
    const configs = jobs.map((j) => parseTrainConfig(JSON.parse(j.params)));
    expect(
      configs.map((c) => [c.optimizer.learningRate, c.architecture.kind === "mlp" && c.architecture.hidden]),
    ).toEqual([
      [0.001, [32]],
      [0.001, [16]],
      [0.003, [32]],
      [0.003, [16]],
    ]);
    expect((await listSweeps(db))[0]).toMatchObject({ id: result.sweepId, statuses: { queued: 4 } });
  });

  it("refuses a sweep over the cost limits as a whole and writes nothing", async () => {
    db = await createEngineTestDb();
    // The limit fits two of the largest job (hidden 32) but not the four together.
    const largest = estimateJobBytes(
      parseTrainConfig({ architecture: { kind: "mlp", hidden: [32] }, epochs: 4 }),
    ).total;
    const result = await submitSweep(db, { ...GRID, fixed: { epochs: 4 } }, "test", {
      ...LIMITS,
      maxStorageBytes: 2 * largest,
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.body![0]).toMatch(/^these 4 jobs together would store an estimated/);
    expect(await db.prisma.job.count()).toBe(0);
    expect(await db.kysely.selectFrom("Sweep").select("id").execute()).toEqual([]);
  });

  it("refuses an invalid spec naming its field, and a job the job form would refuse naming the axis", async () => {
    db = await createEngineTestDb();
    const bad = await submitSweep(db, { ...GRID, mode: "lattice" }, "test", LIMITS);
    expect(!bad.ok && Object.keys(bad.errors)).toEqual(["mode"]);
    const badJob = await submitSweep(
      db,
      { ...GRID, axes: { ...GRID.axes, batchSize: { values: [64, 0] } } },
      "test",
      LIMITS,
    );
    expect(!badJob.ok && Object.keys(badJob.errors)).toEqual(["axes.batchSize"]);
    expect(await db.prisma.job.count()).toBe(0);
  });

  it("keeps a retried job in its sweep", async () => {
    db = await createEngineTestDb();
    const result = await submitSweep(db, GRID, "test", LIMITS);
    if (!result.ok) throw new Error(result.error);
    const claimed = await claimQueuedJob(db, "w1");
    await finishJob(db, claimed!.id, "w1", "failed", "boom");
    const retry = await retryJob(db, claimed!.id, "test");
    expect(retry.outcome).toBe("queued");
    const jobs = await listSweepJobRuns(db, result.sweepId);
    expect(jobs.map((j) => j.jobId)).toContain(retry.jobId);
  });
});

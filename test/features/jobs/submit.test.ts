import { afterEach, describe, expect, it } from "vitest";
import { submitJobs } from "../../../lib/features/jobs/submit";
import { createEngineTestDb, type EngineTestDb } from "../../helpers/db";

const LIMITS = { maxTrainingMs: 6 * 3_600_000, maxStorageBytes: 5e9 };
const SMALL = { hidden: "32", epochs: 1, trainSize: 1000, testSize: 500, probeSize: 50 };

describe("queueing jobs through the admin API's rules", () => {
  let db: EngineTestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("refuses a job over the cost limits with the estimate and the limit, and queues nothing", async () => {
    db = await createEngineTestDb();
    const result = await submitJobs(
      db,
      { hidden: "4096,4096,4096,4096,4096,4096,4096,4096", epochs: 500, batchSize: 1, probeSize: 10_000 },
      "test",
      LIMITS,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/over the server's cost limits: nothing was queued/);
    expect(result.formErrors.join("\n")).toMatch(/estimated \d+ h \d\d min, over the server's limit of 6 h 00 min/);
    expect(result.formErrors.join("\n")).toMatch(/estimated 6\d\d GB, over the server's limit of 5\.00 GB/);
    expect(result.estimate!.storageBytes).toBeGreaterThan(655e9);
    expect(await db.prisma.job.count()).toBe(0);
  });

  it("queues a sweep all or none, limited by the sum of its jobs", async () => {
    db = await createEngineTestDb();
    const ok = await submitJobs(db, { jobs: [SMALL, { ...SMALL, hidden: [64] }] }, "test", LIMITS);
    expect(ok).toMatchObject({ ok: true, jobIds: [1, 2] });
    // Each job alone fits a 250 MB limit; the sweep of three (seed-sized, 226 MB each) does not.
    const tight = { ...LIMITS, maxStorageBytes: 250e6 };
    const over = await submitJobs(db, { jobs: [{}, {}, {}] }, "test", tight);
    expect(over.ok).toBe(false);
    expect(!over.ok && over.formErrors[0]).toMatch(/^these 3 jobs together would store an estimated 6\d\d MB/);
    const oneBad = await submitJobs(db, { jobs: [SMALL, { ...SMALL, epochs: "0x10" }] }, "test", LIMITS);
    expect(oneBad.ok).toBe(false);
    expect(!oneBad.ok && oneBad.jobErrors).toEqual([
      {
        index: 1,
        fieldErrors: { epochs: ['epochs must be a number, got "0x10" (plain decimal such as 16 or 0.001)'] },
        formErrors: [],
      },
    ]);
    for (const body of [{ jobs: [] }, { jobs: {} }, { jobs: [SMALL], epochs: 2 }, { jobs: Array(51).fill(SMALL) }]) {
      expect((await submitJobs(db, body, "test", LIMITS)).ok, JSON.stringify(body).slice(0, 60)).toBe(false);
    }
    expect(await db.prisma.job.count()).toBe(2);
  });

  it("refuses a body of null, an array or a string instead of queueing the default job", async () => {
    db = await createEngineTestDb();
    for (const body of [null, [], "epochs=1", 3]) {
      const result = await submitJobs(db, body, "test", LIMITS);
      expect(!result.ok && result.formErrors[0]).toMatch(/^the parameters must be a JSON object/);
    }
    expect(await db.prisma.job.count()).toBe(0);
  });
});

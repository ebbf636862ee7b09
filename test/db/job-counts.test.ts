import { afterEach, describe, expect, it } from "vitest";
import { createEngineTestDb, type EngineTestDb } from "../helpers/db";
import { countJobsByStatus } from "../../lib/db/job-counts";
import { cancelJob, claimQueuedJob, enqueueJobs, finishJob } from "../../lib/db/jobs";
import { parseTrainConfig } from "../../lib/core/train-config";

describe("countJobsByStatus", () => {
  let db: EngineTestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("counts every status, zero for those without jobs", async () => {
    db = await createEngineTestDb();
    expect(await countJobsByStatus(db)).toEqual({ queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 });
    const config = parseTrainConfig({ epochs: 1 });
    const ids = await enqueueJobs(db, Array<typeof config>(6).fill(config), "test");
    const first = await claimQueuedJob(db, "w1");
    const second = await claimQueuedJob(db, "w1");
    await claimQueuedJob(db, "w2");
    await finishJob(db, first!.id, "w1", "succeeded", null);
    await finishJob(db, second!.id, "w1", "failed", "broke");
    expect(await cancelJob(db, ids[5]!)).toBe("cancelled");
    expect(await countJobsByStatus(db)).toEqual({ queued: 2, running: 1, succeeded: 1, failed: 1, cancelled: 1 });
  });
});

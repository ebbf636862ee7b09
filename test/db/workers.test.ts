import { afterEach, describe, expect, it } from "vitest";
import { enqueueJob, finishJob, recoverStaleJobs } from "../../lib/db/jobs";
import { parseTrainConfig } from "../../lib/core/train-config";
import { claimNextJob } from "../../lib/features/jobs/queue";
import { fetchJobViews, fetchWorkerViews, WORKER_LOST_MS } from "../../lib/features/jobs/view";
import { createWorkerIdentity, createWorkerPresence } from "../../lib/features/jobs/worker-presence";
import { createEngineTestDb, type EngineTestDb } from "../helpers/db";

const TINY = parseTrainConfig({ name: "tiny", epochs: 1, trainSize: 1000, testSize: 500, probeSize: 50 });

describe("the Worker table", () => {
  let db: EngineTestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("names a worker after WORKER_HOST, else the machine, and refuses a host name that is not one token", () => {
    const named = createWorkerIdentity("host-a", 4242, "machine");
    expect(named.host).toBe("host-a");
    expect(named.id).toMatch(/^host-a:4242:[0-9a-f]{6}$/);
    expect(createWorkerIdentity(undefined, 7, "machine.local").id).toMatch(/^machine\.local:7:[0-9a-f]{6}$/);
    expect(createWorkerIdentity("", 7, "machine").host).toBe("machine");
    expect(createWorkerIdentity("host-a", 1, "m").id).not.toBe(createWorkerIdentity("host-a", 1, "m").id);
    expect(() => createWorkerIdentity("two words", 1, "m")).toThrow(/WORKER_HOST must be .* got "two words"/);
    expect(() => createWorkerIdentity("a:b", 1, "m")).toThrow(RangeError);
  });

  it("follows a worker from registration through a job to its stop, as the admin page shows it", async () => {
    db = await createEngineTestDb();
    const lines: string[] = [];
    const worker = createWorkerIdentity("host-a", 11, "m");
    const presence = createWorkerPresence(db, worker, 60_000, (l) => lines.push(l));
    await presence.register();
    await presence.register();
    expect(lines.filter((l) => l.includes("registered on host host-a"))).toHaveLength(1);
    expect(await fetchWorkerViews(db)).toMatchObject([{ id: worker.id, host: "host-a", pid: 11, state: "idle" }]);

    const jobId = await enqueueJob(db, TINY, "test");
    expect((await claimNextJob(db, worker.id))?.id).toBe(jobId);
    await presence.jobStarted(jobId);
    expect(await fetchWorkerViews(db)).toMatchObject([{ state: "running", currentJobId: jobId }]);
    const [job] = await fetchJobViews(db);
    expect(job!.worker).toEqual({ id: worker.id, host: "host-a" });

    await finishJob(db, jobId, worker.id, "succeeded", null);
    await presence.jobEnded(false);
    await presence.jobEnded(true);
    expect(await fetchWorkerViews(db)).toMatchObject([
      { state: "idle", currentJobId: null, jobsDone: 1, jobsFailed: 1 },
    ]);
    // Silent past the threshold: lost, whatever it was doing.
    const later = new Date(Date.now() + WORKER_LOST_MS + 1000);
    expect((await fetchWorkerViews(db, { now: later }))[0]!.state).toBe("lost");
    await presence.stop();
    expect(await fetchWorkerViews(db, { now: later })).toMatchObject([{ state: "stopped", currentJobId: null }]);
  });

  it("names the host of a job claimed by a worker without a row from its id", async () => {
    db = await createEngineTestDb();
    const jobId = await enqueueJob(db, TINY, "test");
    await claimNextJob(db, "old-host:99:abcdef");
    expect((await fetchJobViews(db)).find((j) => j.id === jobId)!.worker).toEqual({
      id: "old-host:99:abcdef",
      host: "old-host",
    });
  });

  it("charges a job taken back as stale to the vanished worker and frees it", async () => {
    db = await createEngineTestDb();
    const worker = createWorkerIdentity("host-a", 12, "m");
    const presence = createWorkerPresence(db, worker, 60_000, () => {});
    await presence.register();
    const jobId = await enqueueJob(db, TINY, "test");
    await claimNextJob(db, worker.id);
    await presence.jobStarted(jobId);
    const later = new Date(Date.now() + 120_000);
    expect(await recoverStaleJobs(db, { now: later })).toEqual({ requeued: [jobId], failed: [], finished: [] });
    expect(await fetchWorkerViews(db, { now: later })).toMatchObject([
      { state: "lost", currentJobId: null, jobsDone: 0, jobsFailed: 1 },
    ]);
    await presence.stop();
  });

  it("lists the workers heard from most recently first, at most `limit`", async () => {
    db = await createEngineTestDb();
    const presences = ["h1", "h2", "h3"].map((h, i) =>
      createWorkerPresence(db!, createWorkerIdentity(h, i + 1, "m"), 60_000, () => {}),
    );
    for (const p of presences) await p.register();
    await presences[0]!.stop();
    const views = await fetchWorkerViews(db, { limit: 2 });
    expect(views).toHaveLength(2);
    expect(views[0]).toMatchObject({ host: "h1", state: "stopped" });
    for (const p of presences.slice(1)) await p.stop();
  });
});

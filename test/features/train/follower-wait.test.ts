// The trainer's bounded wait for the projection follower, on a real SQLite file with the follower's writes interleaved.
import { afterEach, describe, expect, it } from "vitest";
import { insertRun } from "../../../lib/db/run-records";
import { attachFollower, detachFollower, getFollowedEpoch, markEpochFollowed } from "../../../lib/db/run-follow";
import { checkFollowerWaitMs, waitForFollower } from "../../../lib/features/train/follower-wait";
import { parseTrainArgs } from "../../../lib/features/train/cli-args";
import { createTestDb, type TestDb } from "../../helpers/db";

async function insertTestRun(db: TestDb): Promise<number> {
  return insertRun(db, {
    name: "wait",
    notes: "",
    config: "{}",
    architecture: "mlp",
    paramCount: 1,
    modelSummary: "[]",
    backend: "wasm",
    backendVersion: "test",
    epochsPlanned: 3,
    batchesPerEpoch: 1,
    trainSize: 10,
    valSize: 0,
    testSize: 10,
    probeIndices: new Int32Array([0, 1]),
    probeSeed: 0,
  });
}

const after = (ms: number, f: () => Promise<void>) =>
  new Promise<void>((resolve, reject) => setTimeout(() => f().then(resolve, reject), ms));

describe("the trainer's wait for the projection follower", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("returns at once, having waited 0 ms, when the previous epoch's figures are already stored", async () => {
    db = createTestDb();
    const runId = await insertTestRun(db);
    await attachFollower(db, runId);
    await markEpochFollowed(db, runId, 1);
    expect(await waitForFollower(db, runId, 1, 5000)).toEqual({ outcome: "ready", waitedMs: 0 });
  });

  it("waits until the follower marks the epoch, and reports how long", async () => {
    db = createTestDb();
    const runId = await insertTestRun(db);
    await attachFollower(db, runId);
    const started = performance.now();
    const [wait] = await Promise.all([
      waitForFollower(db, runId, 2, 5000),
      after(60, () => markEpochFollowed(db!, runId, 1)).then(() => after(60, () => markEpochFollowed(db!, runId, 2))),
    ]);
    const elapsed = performance.now() - started;
    expect(wait.outcome).toBe("ready");
    expect(wait.waitedMs).toBeGreaterThanOrEqual(100);
    expect(wait.waitedMs).toBeLessThanOrEqual(elapsed);
  });

  it("gives up after the timeout when the figures do not come", async () => {
    db = createTestDb();
    const runId = await insertTestRun(db);
    await attachFollower(db, runId);
    const wait = await waitForFollower(db, runId, 1, 150);
    expect(wait.outcome).toBe("timeout");
    expect(wait.waitedMs).toBeGreaterThanOrEqual(150);
  });

  it("does not wait for a run with no follower attached, and stops waiting when the follower detaches", async () => {
    db = createTestDb();
    const runId = await insertTestRun(db);
    expect(await waitForFollower(db, runId, 1, 5000)).toEqual({ outcome: "detached", waitedMs: 0 });
    await attachFollower(db, runId);
    const [wait] = await Promise.all([
      waitForFollower(db, runId, 1, 5000),
      after(80, () => detachFollower(db!, runId)),
    ]);
    expect(wait.outcome).toBe("detached");
    expect(wait.waitedMs).toBeGreaterThanOrEqual(60);
    expect(wait.waitedMs).toBeLessThan(5000);
  });

  it("stops waiting when training is stopped, and a bound of 0 never waits nor reads", async () => {
    db = createTestDb();
    const runId = await insertTestRun(db);
    await attachFollower(db, runId);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const wait = await waitForFollower(db, runId, 1, 5000, stop.signal);
    expect(wait.outcome).toBe("stopped");
    expect(wait.waitedMs).toBeLessThan(5000);
    expect(await waitForFollower(db, 999_999, 1, 0)).toEqual({ outcome: "ready", waitedMs: 0 });
  });

  it("keeps the follower's mark on attached runs only, never moving it backwards", async () => {
    db = createTestDb();
    const runId = await insertTestRun(db);
    await markEpochFollowed(db, runId, 1);
    expect(await getFollowedEpoch(db, runId)).toBeNull();
    await attachFollower(db, runId);
    expect(await getFollowedEpoch(db, runId)).toBe(0);
    await markEpochFollowed(db, runId, 2);
    await markEpochFollowed(db, runId, 1);
    expect(await getFollowedEpoch(db, runId)).toBe(2);
  });

  it("rejects a bound outside 0..60000 ms, naming it, at the function and at the flag", () => {
    expect(() => checkFollowerWaitMs(-1)).toThrow(/followerWaitMs must be an integer from 0 to 60000 \(got -1\)/);
    expect(() => checkFollowerWaitMs(1.5)).toThrow(RangeError);
    expect(() => parseTrainArgs(["--follower-wait-ms", "60001"])).toThrow(/--follower-wait-ms must be an integer/);
    expect(() => parseTrainArgs(["--follower-wait-ms", "-5"])).toThrow(/--follower-wait-ms/);
    expect(parseTrainArgs(["--follower-wait-ms", "2500"]).followerWaitMs).toBe(2500);
    expect(parseTrainArgs([]).followerWaitMs).toBeUndefined();
  });
});

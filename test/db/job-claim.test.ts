// Claims racing from several connections (several pg pools on PostgreSQL, several handles on the SQLite file).
import { afterEach, describe, expect, it } from "vitest";
import { claimQueuedJob, enqueueJobs } from "../../lib/db/jobs";
import { openDatabase, type Db } from "../../lib/db/client";
import { parseTrainConfig } from "../../lib/core/train-config";
import { createEngineTestDb, testEngine, type EngineTestDb } from "../helpers/db";

const TINY = parseTrainConfig({ name: "tiny", epochs: 1, trainSize: 100, testSize: 20, probeSize: 10 });

/** Claims on `db` as `workerId` until a claim comes back empty; `inFlight` claims at a time. Ids in claim order. */
async function drain(db: Db, workerId: string, inFlight: number): Promise<number[]> {
  const ids: number[] = [];
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let row = await claimQueuedJob(db, workerId); row; row = await claimQueuedJob(db, workerId))
        ids.push(row.id);
    }),
  );
  return ids;
}

describe("claiming queued jobs", () => {
  let db: EngineTestDb | undefined;
  const others: Db[] = [];
  afterEach(async () => {
    await Promise.all(others.splice(0).map((o) => o.close()));
    await db?.cleanup();
    db = undefined;
  });

  it("never hands one job out twice when many claims from several connections race", async () => {
    db = await createEngineTestDb();
    const ids = await enqueueJobs(db, Array<typeof TINY>(150).fill(TINY), "race");
    for (let i = 0; i < 4; i++) others.push(openDatabase(db.url));
    // Four connections (each a pool of its own on PostgreSQL) with four claims in flight on each.
    const claimed = await Promise.all(others.map((o, i) => drain(o, `w${i}`, 4)));
    const all = claimed.flat().sort((a, b) => a - b);
    expect(all).toEqual(ids);
    const rows = await db.kysely.selectFrom("Job").select(["id", "status", "attempts", "workerId"]).execute();
    expect(rows.every((r) => r.status === "running" && r.attempts === 1)).toBe(true);
    // Each row names the connection that got it back, and no other.
    const owner = new Map(claimed.flatMap((c, i) => c.map((id) => [id, `w${i}`] as const)));
    expect(rows.every((r) => r.workerId === owner.get(r.id))).toBe(true);
    if (testEngine() === "postgres") {
      // A real race: the claims ran side by side, so more than one connection got a share.
      expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThanOrEqual(2);
    }
  });

  it.runIf(testEngine() === "postgres")(
    "passes over a job another transaction is claiming instead of waiting for it",
    async () => {
      // A lock timeout far above the test's bound: a claim that waited for the row lock would show in the time taken.
      db = await createEngineTestDb(30_000);
      const [first, second] = await enqueueJobs(db, [TINY, TINY], "skip");
      const other = openDatabase(db.url, 30_000);
      others.push(other);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      // The first job's row locked as a claim in progress holds it, until released.
      const holder = db.kysely.transaction().execute(async (tx) => {
        await tx.selectFrom("Job").select("id").where("id", "=", first!).forUpdate().execute();
        locked();
        await held;
      });
      await isLocked;
      const started = Date.now();
      const row = await claimQueuedJob(other, "w2");
      const waitedMs = Date.now() - started;
      release();
      await holder;
      expect(row?.id).toBe(second);
      expect(waitedMs).toBeLessThan(5_000);
      // Once the holder let go, the first job is still queued and goes to the next claim.
      expect((await claimQueuedJob(other, "w3"))?.id).toBe(first);
      expect(await claimQueuedJob(other, "w3")).toBeNull();
    },
  );
});

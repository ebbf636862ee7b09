// The idle worker's wait ends when another connection queues a job on PostgreSQL, and after its timeout on SQLite.
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../../lib/db/client";
import { enqueueJob } from "../../../lib/db/jobs";
import { parseTrainConfig } from "../../../lib/core/train-config";
import { createNotifiedWait, type NotifiedWait } from "../../../lib/features/jobs/notified-wait";
import { createEngineTestDb, testEngine, type EngineTestDb } from "../../helpers/db";

const CONFIG = parseTrainConfig({ name: "wake", epochs: 1, trainSize: 100, testSize: 10, probeSize: 10 });

describe("the idle worker's wait", () => {
  let db: EngineTestDb | undefined;
  let waiter: NotifiedWait | undefined;
  afterEach(async () => {
    await waiter?.stop();
    await db?.cleanup();
  });

  it("ends when another process queues a job (PostgreSQL) or when its poll interval is up (SQLite)", async () => {
    db = await createEngineTestDb();
    waiter = await createNotifiedWait(db, () => {});
    const signal = new AbortController().signal;
    const other = openDatabase(db.url);
    try {
      const timeoutMs = testEngine() === "postgres" ? 30_000 : 400;
      const started = performance.now();
      const waited = waiter.wait(signal, timeoutMs).then(() => performance.now() - started);
      await enqueueJob(other, CONFIG, "test");
      const ms = await waited;
      if (testEngine() === "postgres") expect(ms).toBeLessThan(5_000);
      else expect(ms).toBeGreaterThanOrEqual(390);
    } finally {
      await other.close();
    }
  });

  it("returns at once for a wake-up that came while the worker was busy, and on abort", async () => {
    db = await createEngineTestDb();
    waiter = await createNotifiedWait(db, () => {});
    const controller = new AbortController();
    if (testEngine() === "postgres") {
      await enqueueJob(db, CONFIG, "test");
      // The notification arrives on the listener's own connection shortly after the commit: once it has, a wait
      // returns at once.
      await expect
        .poll(async () => {
          const started = performance.now();
          await waiter!.wait(controller.signal, 200);
          return performance.now() - started;
        })
        .toBeLessThan(100);
    }
    const started = performance.now();
    const waited = waiter.wait(controller.signal, 30_000);
    controller.abort();
    await waited;
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, inject, it } from "vitest";
import { blobToFloat32 } from "../../../lib/db/blobs";
import { openSqlite } from "../../../lib/db/client";
import { parseJobForm } from "../../../lib/core/job-params";
import { enqueueJob } from "../../../lib/db/jobs";
import { createTestDb, type TestDb } from "../../helpers/db";
import { spawnWorker, waitUntil, type WorkerProcess } from "./worker-process";

function jobConfig(overrides: Record<string, unknown>) {
  const result = parseJobForm({ hidden: "64", epochs: 1, trainSize: 1000, testSize: 500, probeSize: 50, ...overrides });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.config;
}

const isRoot = process.getuid?.() === 0;

/** The worker and the training child against a database that is locked for a while or whose disk fills up. */
describe("the worker under database faults", () => {
  let db: TestDb | undefined;
  const workers: WorkerProcess[] = [];
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    workers.splice(0).forEach((w) => w.kill());
    for (const clean of cleanups.splice(0).reverse()) await clean();
    await db?.cleanup();
    db = undefined;
  });

  it("waits out a database locked by another process for 20 s with logged retries, then runs the queued job", async () => {
    db = createTestDb();
    const jobId = await enqueueJob(db, jobConfig({ name: "after the lock" }), "test");
    // Another process's write lock, taken before the worker starts: its first look at the queue (a write) waits out
    // the 15 s busy timeout and fails; the queued job must survive that.
    const locker = new Database(db.file);
    cleanups.push(() => {
      locker.close();
    });
    locker.exec("BEGIN IMMEDIATE; UPDATE Job SET queuedBy = queuedBy WHERE id = 0;");
    const lockedAt = Date.now();
    const worker = spawnWorker(db.file, undefined, { WORKER_HOST: "locked-host" });
    workers.push(worker);
    // The line names the worker, its host first, so a log gathered from several machines says which one waits.
    const retry = worker.waitForLine(
      /^worker locked-host:\d+:[0-9a-f]{6}: database error \((.*)\); retrying in (\d+) ms/,
      60_000,
    );
    const died = worker.exit.then((e) => {
      throw new Error(
        `the worker exited (${JSON.stringify(e)}) while the database was locked:\n${worker.lines.join("\n")}`,
      );
    });
    const [, message] = await Promise.race([retry, died]);
    expect(message).toMatch(/locked|busy|timed out/i);
    await new Promise((r) => setTimeout(r, Math.max(0, 20_000 - (Date.now() - lockedAt))));
    locker.exec("COMMIT");
    const exit = await Promise.race([worker.exit, died]);
    expect(exit.code).toBe(0);
    expect(worker.lines.some((l) => /the database answers again after \d+ failed attempt/.test(l))).toBe(true);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } });
    expect(job).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(job.run?.status).toBe("succeeded");
  }, 180_000);

  it.skipIf(!isRoot)(
    "a disk that fills up during training leaves the finished epochs intact and the run failed with the reason",
    async () => {
      // A 48 MB filesystem of its own (tmpfs needs root): filled up by the test once the first epoch is recorded.
      const dir = mkdtempSync(path.join(os.tmpdir(), "mnist-lens-full-"));
      mkdirSync(dir, { recursive: true });
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=48m", "tmpfs", dir]);
      cleanups.push(() => {
        execFileSync("umount", [dir]);
        rmSync(dir, { recursive: true, force: true });
      });
      const file = path.join(dir, "full.db");
      copyFileSync(inject("templateDb"), file);
      const small = openSqlite(`file:${file}`);
      cleanups.push(() => small.close());
      // Each epoch records the probe's 512-wide activations (1,000 × 512 float32 = 2 MB) and a checkpoint.
      const jobId = await enqueueJob(
        small,
        jobConfig({
          name: "disk full",
          hidden: "512",
          epochs: 4,
          trainSize: 3000,
          testSize: 1000,
          probeSize: 1000,
          batchSize: 32,
        }),
        "test",
      );
      const worker = spawnWorker(file);
      workers.push(worker);
      const epochCount = () => (small.sqlite.prepare("SELECT count(*) AS n FROM Epoch").get() as { n: number }).n;
      await waitUntil(epochCount, (n) => n >= 1, 120_000);
      // Leave 1 MB: enough for the status writes that go on meanwhile (job and worker heartbeats, progress: each a
      // 4 KB WAL frame, a few a second), not for another epoch's recording (2 MB of embeddings alone).
      // Epoch 1's pages move from the WAL into the database file first: a checkpoint after the disk is full would need
      // that room again, and then no write could land at all.
      small.sqlite.pragma("wal_checkpoint(TRUNCATE)");
      // The worker keeps writing while the filler is sized: if it took the room first, size the filler again.
      for (let attempt = 1; ; attempt++) {
        const { bavail, bsize } = statfsSync(dir);
        try {
          writeFileSync(path.join(dir, "filler"), Buffer.alloc(Math.max(0, bavail * bsize - 1024 * 1024)));
          break;
        } catch (err) {
          rmSync(path.join(dir, "filler"), { force: true });
          if ((err as NodeJS.ErrnoException).code !== "ENOSPC" || attempt === 5) throw err;
        }
      }
      const exit = await worker.exit;
      expect(exit.code, worker.lines.join("\n")).toBe(0);

      const job = await small.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } });
      expect(job.status, worker.lines.join("\n")).toBe("failed");
      expect(job.run!.status).toBe("failed");
      expect(job.run!.error).toMatch(/disk is full/i);
      const epochs = await small.prisma.epoch.findMany({ where: { runId: job.run!.id }, orderBy: { epoch: "asc" } });
      expect(epochs.length).toBeGreaterThanOrEqual(1);
      expect(epochs.length).toBeLessThan(4);
      for (const [i, epoch] of epochs.entries()) {
        expect(epoch.epoch).toBe(i + 1);
        expect(blobToFloat32(epoch.probeProbs!).length).toBe(1000 * 10);
        const embedding = small.sqlite
          .prepare("SELECT length(data) AS bytes FROM Embedding WHERE runId = ? AND epoch = ? AND subset = 'probe'")
          .all(job.run!.id, epoch.epoch) as Array<{ bytes: number }>;
        expect(embedding.some((e) => e.bytes === 1000 * 512 * 4)).toBe(true);
      }
      rmSync(path.join(dir, "filler"));
      expect(small.sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
    },
    240_000,
  );
});

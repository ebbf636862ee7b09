import { afterEach, describe, expect, it } from "vitest";
import { enqueueJob } from "../../../lib/db/jobs";
import { startChild } from "../../../lib/features/jobs/child";
import { claimNextJob } from "../../../lib/features/jobs/queue";
import { runWorker } from "../../../lib/features/jobs/worker";
import { parseTrainConfig, type TrainConfig } from "../../../lib/core/train-config";
import { createTestDb, type TestDb } from "../../helpers/db";

const TINY = parseTrainConfig({ name: "tiny", epochs: 1, trainSize: 1000, testSize: 500, probeSize: 50 });

describe("a child process that cannot start", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("ends startChild's exit with the reason instead of throwing", async () => {
    const lines: string[] = [];
    const started = startChild(
      [process.execPath, "-e", "never\u0000run"],
      process.env,
      () => {},
      (line) => lines.push(line),
    );
    expect(started.child.pid).toBeUndefined();
    const exit = await started.exit;
    expect(exit.code).toBeNull();
    expect(exit.stderrTail).toMatch(/^cannot start .*null bytes/);
    expect(lines).toEqual([exit.stderrTail]);
  });

  it("fails its job with the reason, and the worker goes on to the next job", async () => {
    db = createTestDb();
    const ids = [await enqueueJob(db, TINY, "test"), await enqueueJob(db, TINY, "test")];
    const log: string[] = [];
    // A NUL byte in the children's environment makes spawn throw ERR_INVALID_ARG_VALUE for every job.
    const ran = await runWorker({
      db,
      workerId: "w-spawn",
      signal: new AbortController().signal,
      env: { ...process.env, BROKEN: "nul\u0000byte" },
      exitWhenIdle: true,
      heartbeatMs: 50,
      log: (line) => log.push(line),
    });
    expect(ran).toBe(2);
    const jobs = await db.prisma.job.findMany({ orderBy: { id: "asc" } });
    expect(jobs.map((j) => j.id)).toEqual(ids);
    for (const job of jobs) {
      expect(job).toMatchObject({ status: "failed", stage: "done" });
      expect(job.error).toMatch(/cannot start .*null bytes/);
    }
    expect(log.join("\n")).toMatch(/stopped after 2 job\(s\)/);
  });

  it("never gets a queued job whose stored name holds a control character: the claim fails it, naming the field", async () => {
    db = createTestDb();
    // Written as an older version without the rule could have stored it.
    const bad = await enqueueJob(db, { ...TINY, name: "nul\u0000name" } as TrainConfig, "test");
    const good = await enqueueJob(db, TINY, "test");
    expect((await claimNextJob(db, "w1"))?.id).toBe(good);
    const failed = await db.prisma.job.findUniqueOrThrow({ where: { id: bad } });
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/name must not contain control characters \(U\+0000 at character 4\)/);
  });
});

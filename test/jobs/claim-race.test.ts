import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { enqueueJob } from "../../lib/features/jobs/queue";
import { parseTrainConfig } from "../../lib/core/train-config";
import { createTestDb, type TestDb } from "../helpers/db";

const run = promisify(execFile);

describe("claiming jobs from several processes at once", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("gives every job to exactly one process", async () => {
    db = createTestDb();
    const config = parseTrainConfig({ epochs: 1, trainSize: 1000, testSize: 500, probeSize: 50 });
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) ids.push(await enqueueJob(db, config, "race"));
    const startAt = Date.now() + 4000;
    const claimers = await Promise.all(
      [1, 2, 3].map(() =>
        run(process.execPath, ["--import", "tsx", "--conditions=react-server", "test/jobs/claim-loop.ts", String(startAt)], {
          env: { ...process.env, DATABASE_URL: `file:${db!.file}` },
        }),
      ),
    );
    const claimed = claimers.map((c) => JSON.parse(c.stdout.trim().split("\n").pop()!) as number[]);
    const all = claimed.flat().sort((a, b) => a - b);
    expect(all).toEqual(ids);
    // Each process got its share while the others were claiming too (a real race, not one after the other).
    expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThanOrEqual(2);
    const rows = await db.prisma.job.findMany({ select: { attempts: true, status: true } });
    expect(rows.every((r) => r.attempts === 1 && r.status === "running")).toBe(true);
  });
});

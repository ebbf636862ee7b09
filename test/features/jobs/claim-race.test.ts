import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { enqueueJob } from "../../../lib/db/jobs";
import { parseTrainConfig } from "../../../lib/core/train-config";
import { createTestDb, type TestDb } from "../../helpers/db";

/** A claim-loop.ts process: `ready` resolves once it has loaded, `output` with its stdout lines once it exits 0. */
function startRacer(databaseFile: string) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "test/features/jobs/claim-loop.ts"],
    {
      env: { ...process.env, DATABASE_URL: `file:${databaseFile}` },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  const lines: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      lines.push(line);
      if (line === "ready") resolve();
    });
    child.once("exit", (code) => reject(new Error(`racer exited with ${code} before it was ready: ${stderr}`)));
  });
  const output = new Promise<string[]>((resolve, reject) => {
    child.once("exit", (code) =>
      code === 0 ? resolve(lines) : reject(new Error(`racer exited with ${code}: ${stderr}`)),
    );
  });
  return { ready, output, go: () => child.stdin!.end("go\n") };
}

describe("claiming jobs from several processes at once", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("gives every job to exactly one process", async () => {
    db = createTestDb();
    const config = parseTrainConfig({ epochs: 1, trainSize: 1000, testSize: 500, probeSize: 50 });
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) ids.push(await enqueueJob(db, config, "race"));
    const racers = [1, 2, 3].map(() => startRacer(db!.file));
    // Start together: every racer has loaded and opened the database before any of them claims.
    await Promise.all(racers.map((r) => r.ready));
    for (const r of racers) r.go();
    const outputs = await Promise.all(racers.map((r) => r.output));
    const claimed = outputs.map((lines) => JSON.parse(lines[lines.length - 1]!) as number[]);
    const all = claimed.flat().sort((a, b) => a - b);
    expect(all).toEqual(ids);
    // Each process got its share while the others were claiming too (a real race, not one after the other).
    expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThanOrEqual(2);
    const rows = await db.prisma.job.findMany({ select: { attempts: true, status: true } });
    expect(rows.every((r) => r.attempts === 1 && r.status === "running")).toBe(true);
  });
});

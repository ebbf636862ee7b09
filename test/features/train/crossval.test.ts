import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { getCrossvalResult } from "../../../lib/db/labels";
import { assignFolds } from "../../../lib/features/train/crossval";
import { loadMnist } from "../../../lib/mnist/dataset";
import { submitJobs } from "../../../lib/features/jobs/submit";
import { createTestDb, type TestDb } from "../../helpers/db";
import { runWorkerInProcess } from "../../helpers/stage";

/** scripts/crossval.ts as a child with JSON events; resolves with its events and exit once it ends. */
function runCrossvalScript(args: string[], file: string, onEvent: (e: Record<string, unknown>) => void = () => {}) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "scripts/crossval.ts", ...args, "--events", "json"],
    { env: { ...process.env, DATABASE_URL: `file:${file}` }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const events: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (!line.startsWith("{")) return;
    const event = JSON.parse(line) as Record<string, unknown>;
    events.push(event);
    onEvent(event);
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; events: typeof events; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, events, stderr })),
  );
  return { child, exit };
}

describe("npm run crossval", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("with 2 folds stores one out-of-fold row for each of 3,000 training digits", async () => {
    db = createTestDb();
    const args = ["--folds", "2", "--epochs", "2", "--train-size", "3000", "--backend", "wasm", "--seed", "3"];
    const { code, events, stderr } = await runCrossvalScript(args, db.file).exit;
    expect(code, stderr).toBe(0);
    const folds = events.filter((e) => e.type === "fold");
    expect(folds.map((e) => e.fold)).toEqual([1, 2]);
    expect(events.filter((e) => e.type === "fold-epoch")).toHaveLength(4);

    const result = await getCrossvalResult(db);
    expect(result).not.toBeNull();
    expect(result!.folds).toBe(2);
    expect(result!.trainSize).toBe(3000);
    expect(result!.probs.length).toBe(3000 * 10);
    expect(result!.foldOf.length).toBe(3000);
    // The stored assignment is the seeded one, and the two folds partition the digits.
    expect(Array.from(result!.foldOf)).toEqual(Array.from(assignFolds(3000, 2, 3)));
    const sizes = [0, 0];
    result!.foldOf.forEach((f) => sizes[f]!++);
    expect(sizes).toEqual([1500, 1500]);
    expect(folds.map((e) => e.heldOut)).toEqual(sizes);
    // Every digit's row was written once, by a softmax: it sums to 1.
    for (let i = 0; i < 3000; i++) {
      let sum = 0;
      for (let c = 0; c < 10; c++) sum += result!.probs[i * 10 + c]!;
      expect(Math.abs(sum - 1)).toBeLessThan(1e-4);
    }
    // Each fold's stored accuracy is what its rows score on the held-out labels.
    const labels = loadMnist().train.labels;
    for (let f = 0; f < 2; f++) {
      let correct = 0;
      let count = 0;
      for (let i = 0; i < 3000; i++) {
        if (result!.foldOf[i] !== f) continue;
        const row = result!.probs.subarray(i * 10, i * 10 + 10);
        const argmax = row.indexOf(Math.max(...row));
        if (argmax === labels[i]) correct++;
        count++;
      }
      expect(result!.foldAccuracies[f]).toBeCloseTo(correct / count, 6);
      expect(result!.foldAccuracies[f]).toBeGreaterThan(0.7);
    }
  });

  it("stops on SIGTERM after the current batch, stores nothing and exits 130", async () => {
    db = createTestDb();
    const args = ["--folds", "2", "--epochs", "20", "--train-size", "3000", "--backend", "wasm"];
    const run = runCrossvalScript(args, db.file, (e) => {
      if (e.type === "fold-epoch" && e.epoch === 1) run.child.kill("SIGTERM");
    });
    const { code, events } = await run.exit;
    expect(code).toBe(130);
    expect(events.at(-1)).toMatchObject({ type: "crossval-end", status: "cancelled" });
    expect(await getCrossvalResult(db)).toBeNull();
  });

  it("refuses a bad fold count before training, naming the flag", async () => {
    db = createTestDb();
    const { code, stderr } = await runCrossvalScript(["--folds", "1"], db.file).exit;
    expect(code).toBe(2);
    expect(stderr).toMatch(/--folds must be an integer from 2 to 10, got "1"/);
  });

  it("runs as an admin job: the worker starts scripts/crossval.ts with the job's folds and records it succeeded", async () => {
    db = createTestDb();
    const queued = await submitJobs(
      db,
      { kind: "crossval", folds: "2", epochs: "1", trainSize: "600", testSize: "100", probeSize: "0" },
      "test",
      { maxTrainingMs: 3_600_000, maxStorageBytes: 1e9 },
    );
    expect(queued.ok, JSON.stringify(queued)).toBe(true);
    const stored = await db.prisma.job.findFirstOrThrow();
    expect(JSON.parse(stored.params)).toMatchObject({ kind: "crossval", folds: 2, trainSize: 600 });
    const { ran, lines } = await runWorkerInProcess(db);
    expect(ran).toBe(1);
    const job = await db.prisma.job.findFirstOrThrow();
    expect([job.status, job.error], lines.join("\n")).toEqual(["succeeded", null]);
    expect(await db.prisma.run.count()).toBe(0);
    const result = await getCrossvalResult(db);
    expect(result?.folds).toBe(2);
    expect(result?.probs.length).toBe(600 * 10);
    expect(lines.some((l) => /fold 2\/2 held-out accuracy/.test(l))).toBe(true);
  });
});

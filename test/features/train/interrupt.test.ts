import { afterEach, describe, expect, it } from "vitest";
import { blobToFloat32 } from "../../../lib/db/blobs";
import { failStaleRuns } from "../../../lib/db/runs";
import { createTestDb, type TestDb } from "../../helpers/db";
import { spawnTrain } from "../../helpers/spawn";

const ARGS = [
  "--epochs",
  "6",
  "--train-size",
  "1500",
  "--test-size",
  "500",
  "--probe-size",
  "50",
  "--events",
  "json",
  "--backend",
  "wasm",
];

describe("a training process stopped after its first epoch", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  async function expectEpochOneIntact(db: TestDb, runId: number) {
    const epoch = await db.prisma.epoch.findUniqueOrThrow({ where: { runId_epoch: { runId, epoch: 1 } } });
    expect(epoch.valAccuracy).toBeGreaterThan(0);
    expect(blobToFloat32(epoch.probeProbs!).length).toBe(500);
    const embeddings = await db.prisma.embedding.findMany({ where: { runId, epoch: 1, subset: "probe" } });
    expect(embeddings.map((e) => e.data.byteLength)).toEqual([50 * 512 * 4, 50 * 512 * 4, 50 * 512 * 4]);
    expect(await db.prisma.checkpoint.count({ where: { runId, kind: "best" } })).toBe(1);
  }

  it("by SIGTERM is marked cancelled with epoch 1 kept, and exits 130", async () => {
    db = createTestDb();
    const train = spawnTrain(ARGS, { DATABASE_URL: `file:${db.file}` });
    const epoch = await train.waitFor((e) => e.type === "epoch" && e.epoch === 1);
    expect(epoch.epoch).toBe(1);
    const start = await train.waitFor((e) => e.type === "start");
    train.child.kill("SIGTERM");
    const { code } = await train.exit;
    expect(code).toBe(130);
    const runId = start.runId as number;
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("cancelled");
    expect(run.finishedAt).not.toBeNull();
    const count = await db.prisma.epoch.count({ where: { runId } });
    expect(count).toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThan(6);
    await expectEpochOneIntact(db, runId);
  });

  it("by SIGKILL leaves epoch 1 readable, and the dead run is marked failed once its heartbeat is stale", async () => {
    db = createTestDb();
    const train = spawnTrain(ARGS, { DATABASE_URL: `file:${db.file}` });
    const start = await train.waitFor((e) => e.type === "start");
    // Kill in the middle of epoch 2, while its batches are being written as progress.
    await train.waitFor((e) => e.type === "batch" && e.epoch === 2);
    train.child.kill("SIGKILL");
    const { signal } = await train.exit;
    expect(signal).toBe("SIGKILL");
    const runId = start.runId as number;
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("running");
    expect(await failStaleRuns(db, new Date())).toBe(0);
    expect(await failStaleRuns(db, new Date(Date.now() + 10 * 60_000))).toBe(1);
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/stopped sending heartbeats/);
    // The kill lands during epoch 2 or, on a fast machine, just after it was recorded: never all six.
    const kept = await db.prisma.epoch.count({ where: { runId } });
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(6);
    await expectEpochOneIntact(db, runId);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { deleteRun, listRunSizes } from "../../lib/db/deletion";
import { countEpochDynamics, listEpochDynamics, listEpochValProbs } from "../../lib/db/dynamics";
import { insertEpochRecord, type EpochRecord } from "../../lib/db/run-records";
import { listEpochs } from "../../lib/db/runs";
import { createEngineTestDb, type EngineTestDb } from "../helpers/db";
import { insertRun } from "./run-fixture";

const TRAIN = 1000;
const VAL = 200;

const epochRecord = (epoch: number, dynamics?: EpochRecord["dynamics"]): EpochRecord => ({
  epoch,
  loss: 1,
  accuracy: 0.5,
  valLoss: 1,
  valAccuracy: 0.5,
  testLoss: 1,
  testAccuracy: 0.5,
  durationMs: 1,
  evalMs: 1,
  improved: false,
  confusion: new Int32Array(100),
  probeProbs: new Float32Array(50 * 10),
  embeddings: [],
  ...(dynamics ? { dynamics } : {}),
});

describe("stored training dynamics", () => {
  let db: EngineTestDb;
  afterEach(async () => db?.cleanup());

  it("reads back each epoch's blobs in epoch order, skipping epochs recorded without them", async () => {
    db = await createEngineTestDb();
    const runId = await insertRun(db, { status: "succeeded" });
    await insertEpochRecord(db, runId, epochRecord(1));
    for (const epoch of [3, 2]) {
      const probs = Float32Array.from({ length: TRAIN }, (_, i) => (i % 100) / 100 + epoch / 1000);
      const correct = Uint8Array.from({ length: TRAIN }, (_, i) => (i + epoch) % 2);
      const valProbs = new Float32Array(VAL * 10).fill(epoch / 10);
      await insertEpochRecord(
        db,
        runId,
        epochRecord(epoch, { trainLabelProbs: probs, trainCorrect: correct, valProbs }),
      );
    }
    const rows = await listEpochDynamics(db, runId);
    expect(rows.map((r) => r.epoch)).toEqual([2, 3]);
    expect(rows[1]!.labelProbs[42]).toBeCloseTo(0.42 + 0.003, 6);
    expect(rows[0]!.correct[1]).toBe((1 + 2) % 2);
    expect(await countEpochDynamics(db, runId)).toBe(2);
    const val = await listEpochValProbs(db, runId);
    expect(val.map((v) => [v.epoch, v.probs.length, v.probs[0]])).toEqual([
      [2, VAL * 10, Math.fround(0.2)],
      [3, VAL * 10, Math.fround(0.3)],
    ]);
    // The overview's epoch list does not carry the blobs.
    const epochs = await listEpochs(db, runId);
    expect(Object.keys(epochs[0]!)).not.toContain("trainLabelProbs");
    expect(Object.keys(epochs[0]!)).not.toContain("valProbs");
  });

  it("counts the blobs in the run's size and deletes them with the run", async () => {
    db = await createEngineTestDb();
    const runId = await insertRun(db, { status: "succeeded" });
    const before = (await listRunSizes(db)).find((r) => r.id === runId)!.bytes;
    await insertEpochRecord(
      db,
      runId,
      epochRecord(1, {
        trainLabelProbs: new Float32Array(TRAIN),
        trainCorrect: new Uint8Array(TRAIN),
        valProbs: new Float32Array(VAL * 10),
      }),
    );
    const after = (await listRunSizes(db)).find((r) => r.id === runId)!.bytes;
    expect(after - before).toBe(50 * 10 * 4 + TRAIN * 4 + TRAIN + VAL * 10 * 4);
    expect((await deleteRun(db, runId)).outcome).toBe("deleted");
    expect(await listEpochDynamics(db, runId)).toEqual([]);
    expect(await db.prisma.epoch.count({ where: { runId } })).toBe(0);
  });
});

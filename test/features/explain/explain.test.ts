// Attributions from stored checkpoints: per-epoch weights kept and counted, the map cache, pair means, the CNN.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../helpers/db";
import { trainShortRun } from "../../helpers/train";
import { listCheckpointStamps } from "../../../lib/db/checkpoints";
import { deleteRun, listRunSizes } from "../../../lib/db/deletion";
import { getTestPredictions } from "../../../lib/db/digits";
import { estimateJobBytes } from "../../../lib/core/job-cost";
import { countParams } from "../../../lib/core/param-count";
import { loadMnist } from "../../../lib/mnist/dataset";
import {
  attributionCacheStats,
  fetchDigitAttribution,
  type DigitAttributionRequest,
} from "../../../lib/features/explain/digit-attribution";
import { fetchPairAttribution } from "../../../lib/features/explain/pair-attribution";

describe("attributions of a stored MLP run that kept every epoch's weights", () => {
  let db: TestDb;
  let runId: number;
  const epochs = 2;
  const hidden = [64, 32];
  beforeAll(async () => {
    db = createTestDb();
    ({ runId } = await trainShortRun(db, {
      epochs,
      trainSize: 1500,
      testSize: 300,
      probeSize: 50,
      architecture: { kind: "mlp", hidden },
      keepEpochWeights: true,
    }));
  });
  afterAll(async () => db?.cleanup());

  it("stores best plus one checkpoint per epoch, as many bytes as the job's estimate says", async () => {
    const stamps = await listCheckpointStamps(db, runId);
    expect(stamps.map((s) => s.kind).sort()).toEqual(["best", "epoch-1", "epoch-2"]);
    const architecture = { kind: "mlp" as const, hidden, dropout: 0.2 };
    const estimate = estimateJobBytes({ architecture, epochs, testSize: 300, probeSize: 50, keepEpochWeights: true });
    const stored = db.sqlite
      .prepare("SELECT sum(length(weightData)) AS bytes FROM Checkpoint WHERE runId = ?")
      .get(runId) as { bytes: number };
    expect(stored.bytes).toBe(estimate.checkpoints);
    expect(estimate.checkpoints).toBe(countParams(architecture) * 4 * (1 + epochs));
    const size = (await listRunSizes(db)).find((r) => r.id === runId)!;
    expect(size.bytes).toBeGreaterThan(stored.bytes);
  });

  it("answers a repeated request from the cache (counted), with the same map", async () => {
    const request: DigitAttributionRequest = {
      runId,
      index: 3,
      method: "integrated-gradients",
      baseline: "blurred",
      classChoice: "predicted",
      checkpoint: "best",
    };
    const before = attributionCacheStats();
    const first = await fetchDigitAttribution(db, request);
    const second = await fetchDigitAttribution(db, request);
    const after = attributionCacheStats();
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(1);
    if (first.kind !== "ok" || second.kind !== "ok") throw new Error("no map");
    expect(first.meta.cache).toBe("miss");
    expect(second.meta.cache).toBe("hit");
    expect(Array.from(second.values)).toEqual(Array.from(first.values));
    expect(first.meta.targetClass).toBe(first.meta.predicted);
    expect(first.meta.completenessError).not.toBeNull();
    // A baseline the method ignores shares the entry.
    const g1 = await fetchDigitAttribution(db, { ...request, method: "gradient", baseline: "black" });
    const hits = attributionCacheStats().hits;
    const g2 = await fetchDigitAttribution(db, { ...request, method: "gradient", baseline: "blurred" });
    expect(attributionCacheStats().hits).toBe(hits + 1);
    expect(g1.kind === "ok" && g2.kind === "ok" && g2.meta.baseline).toBe("black");
  });

  it("explains the true class and any class, and each epoch's weights differently", async () => {
    const base = { runId, index: 0, method: "gradient" as const, baseline: "black" as const, checkpoint: "best" };
    const trueLabel = loadMnist().test.labels[0]!;
    const asTrue = await fetchDigitAttribution(db, { ...base, classChoice: "true" });
    const asOther = await fetchDigitAttribution(db, { ...base, classChoice: (trueLabel + 1) % 10 });
    const epoch1 = await fetchDigitAttribution(db, { ...base, classChoice: "true", checkpoint: "epoch-1" });
    const epoch2 = await fetchDigitAttribution(db, { ...base, classChoice: "true", checkpoint: "epoch-2" });
    if (asTrue.kind !== "ok" || asOther.kind !== "ok" || epoch1.kind !== "ok" || epoch2.kind !== "ok")
      throw new Error("no map");
    expect(asTrue.meta.targetClass).toBe(trueLabel);
    expect(Array.from(asOther.values)).not.toEqual(Array.from(asTrue.values));
    expect([epoch1.meta.checkpointEpoch, epoch2.meta.checkpointEpoch]).toEqual([1, 2]);
    expect(Array.from(epoch1.values)).not.toEqual(Array.from(epoch2.values));
  });

  it("answers not-found for a missing run, checkpoint or digit", async () => {
    const base: DigitAttributionRequest = {
      runId,
      index: 0,
      method: "gradient",
      baseline: "black",
      classChoice: "predicted",
      checkpoint: "best",
    };
    expect(await fetchDigitAttribution(db, { ...base, runId: 9999 })).toEqual({
      kind: "not-found",
      error: "no run 9999",
    });
    expect((await fetchDigitAttribution(db, { ...base, checkpoint: "epoch-3" })).kind).toBe("not-found");
    expect((await fetchDigitAttribution(db, { ...base, index: 300 })).kind).toBe("not-found");
  });

  it("averages gradient × input over each direction's mistakes of a pair", async () => {
    const predictions = (await getTestPredictions(db, runId))!;
    const labels = loadMnist().test.labels;
    // The most confused pair of this run, so both directions are likely to hold digits.
    let best = [0, 1, -1];
    for (let a = 0; a < 10; a++)
      for (let b = a + 1; b < 10; b++) {
        let n = 0;
        for (let i = 0; i < predictions.count; i++)
          if (
            (labels[i] === a && predictions.predicted[i] === b) ||
            (labels[i] === b && predictions.predicted[i] === a)
          )
            n++;
        if (n > best[2]!) best = [a, b, n];
      }
    const [a, b, total] = best as [number, number, number];
    const pair = (await fetchPairAttribution(db, runId, a, b))!;
    expect(pair.aAsB.count + pair.bAsA.count).toBe(total);
    expect(pair.aAsB.meanAttribution).toHaveLength(784);
    if (pair.aAsB.count > 0) expect(pair.aAsB.meanAttribution.some((v) => v !== 0)).toBe(true);
    expect(await fetchPairAttribution(db, 9999, a, b)).toBeNull();
  });

  it("deletes the per-epoch checkpoints with the run", async () => {
    await deleteRun(db, runId);
    const left = db.sqlite.prepare("SELECT count(*) AS n FROM Checkpoint WHERE runId = ?").get(runId) as { n: number };
    expect(left.n).toBe(0);
  });
});

describe("attributions of a stored CNN run", () => {
  let db: TestDb;
  afterAll(async () => db?.cleanup());
  it("restores the CNN preset's best checkpoint and explains a digit by every method", async () => {
    db = createTestDb();
    const { runId } = await trainShortRun(db, {
      epochs: 1,
      trainSize: 600,
      testSize: 100,
      probeSize: 20,
      architecture: { kind: "cnn" },
    });
    for (const method of ["gradient", "integrated-gradients", "occlusion"] as const) {
      const answer = await fetchDigitAttribution(db, {
        runId,
        index: 1,
        method,
        baseline: "black",
        classChoice: "true",
        checkpoint: "best",
      });
      if (answer.kind !== "ok") throw new Error(answer.error);
      expect(answer.values.some((v) => v !== 0)).toBe(true);
      if (method === "integrated-gradients") expect(answer.meta.completenessError).toBeLessThan(0.05);
    }
  });
});

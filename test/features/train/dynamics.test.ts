import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMnist, headOfSplit } from "../../../lib/mnist/dataset";
import { oneHot, scalePixels } from "../../../lib/mnist/encode";
import { createModel, createProbeModel } from "../../../lib/model/create";
import { initBackend } from "../../../lib/model/backend";
import { parseTrainConfig } from "../../../lib/core/train-config";
import { createOptimizer, trainEpoch } from "../../../lib/features/train/loop";
import { forwardPass } from "../../../lib/features/train/forward";
import { loadCheckpoint } from "../../../lib/features/train/checkpoint";
import { listEpochDynamics, listEpochValProbs } from "../../../lib/db/dynamics";
import { fetchDataMapSummary, fetchRunDynamics } from "../../../lib/features/dynamics/data-map";
import { fetchRunCalibration } from "../../../lib/features/dynamics/calibration";
import { computeCalibration } from "../../../lib/numeric/metrics/calibration";
import { createRng, range, shuffleInPlace } from "../../../lib/numeric/random";
import { createTestDb, type TestDb } from "../../helpers/db";
import { trainShortRun } from "../../helpers/train";

const EPSILON = 1e-7;

describe("recording training dynamics in the batch's own forward pass", () => {
  it("stores each digit's label probability at its own index: the batch losses recomputed from it match", async () => {
    await initBackend("wasm");
    const n = 700; // 5 full batches of 128 and one of 60
    const config = parseTrainConfig({ architecture: { kind: "mlp", hidden: [64], dropout: 0.2 }, seed: 3 });
    const split = headOfSplit(loadMnist().train, n);
    const x = tf.tensor3d(scalePixels(split.pixels), [n, 28, 28]);
    const y = tf.tensor2d(oneHot(split.labels), [n, 10]);
    const model = createModel(config.architecture, config.seed);
    const optimizer = createOptimizer(config.optimizer);
    const record = { labelProbs: new Float32Array(n).fill(-1), correct: new Uint8Array(n).fill(9) };
    const losses: number[] = [];
    const result = await trainEpoch(model, optimizer, x, y, {
      batchSize: 128,
      shuffle: true,
      rng: createRng(11),
      record,
      onBatchEnd: (_b, _n, loss) => void losses.push(loss),
    });
    // The loop's shuffle, replayed with the same seed: batch b holds order[b*128 .. (b+1)*128).
    const order = range(n);
    shuffleInPlace(order, createRng(11));
    expect(losses).toHaveLength(6);
    losses.forEach((loss, b) => {
      const rows = order.subarray(b * 128, Math.min(n, (b + 1) * 128));
      let sum = 0;
      for (const i of rows) sum -= Math.log(Math.min(Math.max(record.labelProbs[i]!, EPSILON), 1 - EPSILON));
      expect(sum / rows.length).toBeCloseTo(loss, 4);
    });
    // Every digit visited once, with a probability in [0, 1] and a 0/1 correctness that agrees with it.
    let hits = 0;
    for (let i = 0; i < n; i++) {
      expect(record.labelProbs[i]).toBeGreaterThanOrEqual(0);
      expect(record.labelProbs[i]).toBeLessThanOrEqual(1);
      expect([0, 1]).toContain(record.correct[i]);
      if (record.labelProbs[i]! > 0.5) expect(record.correct[i]).toBe(1);
      if (record.correct[i] === 1) expect(record.labelProbs[i]).toBeGreaterThanOrEqual(0.1);
      hits += record.correct[i]!;
    }
    expect(hits / n).toBeCloseTo(result.accuracy, 10);
    expect(result.recordMs).toBeGreaterThan(0);
    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
  });

  it("rejects record arrays of another length than the epoch's digits", async () => {
    await initBackend("wasm");
    const model = createModel({ kind: "mlp", hidden: [8], dropout: 0 }, 1);
    const x = tf.zeros([10, 28, 28]);
    const y = tf.zeros([10, 10]);
    const record = { labelProbs: new Float32Array(9), correct: new Uint8Array(10) };
    await expect(
      trainEpoch(model, tf.train.sgd(0.1), x, y, { batchSize: 4, shuffle: false, rng: Math.random, record }),
    ).rejects.toThrow("record arrays have 9 and 10 entries, expected 10");
    model.dispose();
    tf.dispose([x, y]);
  });
});

describe("a short real run's stored dynamics and calibration (2 epochs, 1,500 digits)", () => {
  let db: TestDb;
  let runId: number;
  const trainSize = 1200;
  const valSize = 300;

  beforeAll(async () => {
    db = createTestDb();
    ({ runId } = await trainShortRun(db, { epochs: 2, trainSize: 1500, testSize: 400, probeSize: 100 }));
  });
  afterAll(async () => db.cleanup());

  it("stores one label probability and correctness per training digit per epoch, and none for validation digits", async () => {
    const rows = await listEpochDynamics(db, runId);
    expect(rows.map((r) => r.epoch)).toEqual([1, 2]);
    for (const r of rows) {
      expect(r.labelProbs.length).toBe(trainSize);
      expect(r.correct.length).toBe(trainSize);
      expect(r.labelProbs.every((p) => p >= 0 && p <= 1)).toBe(true);
      expect(r.correct.every((c) => c === 0 || c === 1)).toBe(true);
    }
    // The second epoch learned more of the digits than the first.
    const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(rows[1]!.correct)).toBeGreaterThan(sum(rows[0]!.correct));
  });

  it("stores the validation probabilities of each epoch, equal to a direct pass of the best epoch's checkpoint", async () => {
    const val = await listEpochValProbs(db, runId);
    expect(val.map((v) => v.epoch)).toEqual([1, 2]);
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    const stored = val.find((v) => v.epoch === run.bestEpoch)!.probs;
    expect(stored.length).toBe(valSize * 10);
    const subset = headOfSplit(loadMnist().train, 1500);
    const x = tf.tensor3d(scalePixels(subset.pixels.subarray(trainSize * 784)), [valSize, 28, 28]);
    const best = await loadCheckpoint(db, runId, "best");
    const direct = await forwardPass(createProbeModel(best).model, x, new Int32Array(0));
    for (let i = 0; i < stored.length; i++) expect(stored[i]).toBeCloseTo(direct.probs[i]!, 5);
    best.dispose();
    x.dispose();
  });

  it("computes the data map from the stored epochs and the calibration of each epoch", async () => {
    const dyn = (await fetchRunDynamics(db, runId))!;
    expect(dyn.epochs).toEqual([1, 2]);
    const rows = await listEpochDynamics(db, runId);
    const i = 17;
    const mean = (rows[0]!.labelProbs[i]! + rows[1]!.labelProbs[i]!) / 2;
    expect(dyn.dynamics.confidence[i]).toBeCloseTo(mean, 6);
    expect(dyn.dynamics.variability[i]).toBeCloseTo(Math.abs(rows[0]!.labelProbs[i]! - mean), 6);
    const summary = (await fetchDataMapSummary(db, runId))!;
    const regions = Object.values(summary.regions).reduce((a, b) => a + b, 0);
    expect(regions).toBe(trainSize);

    const calibration = (await fetchRunCalibration(db, runId))!;
    expect(calibration.val.map((v) => v.epoch)).toEqual([1, 2]);
    const valLabels = loadMnist().train.labels.subarray(trainSize, trainSize + valSize);
    const last = (await listEpochValProbs(db, runId))[1]!.probs;
    expect(calibration.val[1]!.ece).toBeCloseTo(computeCalibration(last, valLabels).topLabel.ece, 10);
    expect(calibration.test?.count).toBe(400);
  });
});

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobToFloat32, blobToInt32, blobToUint8 } from "../../../lib/db/blobs";
import { loadMnist } from "../../../lib/mnist/dataset";
import { scalePixels } from "../../../lib/mnist/encode";
import { selectProbeIndices } from "../../../lib/mnist/probe";
import { predictedLabels } from "../../../lib/numeric/metrics/classification";
import { captureArtifacts, checkpointHandler, loadCheckpoint } from "../../../lib/features/train/checkpoint";
import { createTestDb, type TestDb } from "../../helpers/db";
import { trainShortRun } from "../../helpers/train";

describe("a short real training (2 epochs, 3,000 digits, probe 200, 1,000 test digits)", () => {
  let db: TestDb;
  let run: Awaited<ReturnType<typeof trainShortRun>>;

  beforeAll(async () => {
    db = createTestDb();
    run = await trainShortRun(db);
  });
  afterAll(async () => db.cleanup());

  it("ends succeeded with the backend and its version recorded", async () => {
    expect(run.status).toBe("succeeded");
    const row = await db.prisma.run.findUniqueOrThrow({ where: { id: run.runId } });
    expect(row.backend).toBe("wasm");
    expect(row.backendVersion).toMatch(
      /^tfjs 4\.\d+\.\d+, tfjs-backend-wasm 4\.\d+\.\d+ \+ mnist-lens fast kernels( \(fma\))?$/,
    );
    expect(row.status).toBe("succeeded");
    expect(row.finishedAt!.getTime()).toBeGreaterThanOrEqual(row.startedAt!.getTime());
    expect(row.trainSize).toBe(2400);
    expect(row.valSize).toBe(600);
    expect(row.paramCount).toBe(932_362);
    expect(JSON.parse(row.config)).toMatchObject({
      epochs: 2,
      trainSize: 3000,
      batchSize: 128,
      optimizer: { name: "rmsprop" },
    });
  });

  it("records an untrained baseline near chance", async () => {
    const row = await db.prisma.run.findUniqueOrThrow({ where: { id: run.runId } });
    expect(row.baselineTestAccuracy!).toBeGreaterThan(0.02);
    expect(row.baselineTestAccuracy!).toBeLessThan(0.25);
    expect(row.baselineTestLoss!).toBeGreaterThan(1.8);
  });

  it("writes two epochs with metrics, durations and per-epoch confusion matrices over the test digits", async () => {
    const epochs = await db.prisma.epoch.findMany({ where: { runId: run.runId }, orderBy: { epoch: "asc" } });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs[0]!.improved).toBe(true);
    for (const e of epochs) {
      expect(e.loss).toBeGreaterThan(0);
      expect(e.valAccuracy).toBeGreaterThan(0.5);
      expect(e.durationMs).toBeGreaterThan(0);
      const confusion = JSON.parse(e.confusion) as number[];
      expect(confusion).toHaveLength(100);
      expect(confusion.reduce((a, b) => a + b, 0)).toBe(1000);
      const diagonal = confusion.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0);
      expect(diagonal / 1000).toBeCloseTo(e.testAccuracy!, 6);
      expect(blobToFloat32(e.probeProbs!).length).toBe(200 * 10);
    }
    const row = await db.prisma.run.findUniqueOrThrow({ where: { id: run.runId } });
    const best = epochs.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
    expect(row.bestEpoch).toBe(best.epoch);
    expect(row.bestValLoss).toBeCloseTo(best.valLoss, 10);
  });

  it("keeps a best checkpoint that reloads to identical predictions", async () => {
    const best = await loadCheckpoint(db, run.runId, "best");
    const { test } = loadMnist();
    const x = tf.tensor3d(scalePixels(test.pixels.subarray(0, 50 * 784)), [50, 28, 28]);
    const first = (await (best.predict(x) as tf.Tensor).data()) as Float32Array;
    // Round trip the restored model through the same IO handler under another kind and compare.
    await best.save(checkpointHandler(db, run.runId, "roundtrip"));
    const again = await loadCheckpoint(db, run.runId, "roundtrip");
    const second = (await (again.predict(x) as tf.Tensor).data()) as Float32Array;
    expect(Array.from(second)).toEqual(Array.from(first));
    const artifacts = await captureArtifacts(again);
    expect(artifacts.weightData.byteLength).toBe(932_362 * 4);
    tf.dispose([x]);
    best.dispose();
    again.dispose();
  });

  it("stores the restored checkpoint's test predictions as blobs consistent with its confusion matrix", async () => {
    const row = await db.prisma.run.findUniqueOrThrow({ where: { id: run.runId } });
    const preds = await db.prisma.testPredictions.findUniqueOrThrow({ where: { runId: run.runId } });
    const predicted = blobToUint8(preds.predicted);
    const probs = blobToFloat32(preds.probs);
    expect(predicted.length).toBe(1000);
    expect(probs.length).toBe(10_000);
    expect(Array.from(predictedLabels(probs))).toEqual(Array.from(predicted));
    const confusion = JSON.parse(row.testConfusion!) as number[];
    expect(confusion.reduce((a, b) => a + b, 0)).toBe(1000);
    const diagonal = confusion.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0);
    expect(diagonal).toBe(Math.round(row.testAccuracy! * 1000));
    const labels = loadMnist().test.labels;
    const wrong = blobToInt32(preds.misclassified);
    expect(wrong.length).toBe(1000 - diagonal);
    expect(preds.misclassifiedCount).toBe(wrong.length);
    for (const i of wrong) expect(predicted[i]).not.toBe(labels[i]);
  });

  it("stores embeddings of the right shapes: 3 hidden layers x 2 epochs for the probe, the last layer for every test digit", async () => {
    const embeddings = await db.prisma.embedding.findMany({
      where: { runId: run.runId },
      orderBy: [{ subset: "asc" }, { epoch: "asc" }, { layerIndex: "asc" }],
    });
    const probe = embeddings.filter((e) => e.subset === "probe");
    expect(probe.map((e) => `${e.epoch}:${e.layerIndex}:${e.layerName}`)).toEqual([
      "1:0:dense_1",
      "1:1:dense_2",
      "1:2:dense_3",
      "2:0:dense_1",
      "2:1:dense_2",
      "2:2:dense_3",
    ]);
    for (const e of probe) {
      expect([e.rows, e.cols]).toEqual([200, 512]);
      expect(e.data.byteLength).toBe(200 * 512 * 4);
    }
    const test = embeddings.filter((e) => e.subset === "test");
    expect(test).toHaveLength(1);
    expect([test[0]!.rows, test[0]!.cols, test[0]!.layerIndex]).toEqual([1000, 512, 2]);
    const row = await db.prisma.run.findUniqueOrThrow({ where: { id: run.runId } });
    expect(Array.from(blobToInt32(row.probeIndices!))).toEqual(
      Array.from(selectProbeIndices(loadMnist().test.labels.subarray(0, 1000), 200, 0)),
    );
  });

  it("stores the model summary of the seed network", async () => {
    const row = await db.prisma.run.findUniqueOrThrow({ where: { id: run.runId } });
    const summary = JSON.parse(row.modelSummary) as Array<{ name: string; params: number }>;
    expect(summary.map((r) => r.params)).toEqual([0, 401_920, 0, 262_656, 0, 262_656, 0, 5130]);
  });

  it("emits a progress event per batch and an epoch event with an ETA", () => {
    const batches = run.events.filter((e) => e.type === "batch");
    expect(batches.length).toBe(2 * 19);
    const epochs = run.events.filter((e) => e.type === "epoch");
    expect(epochs).toHaveLength(2);
    expect(epochs[0]!.type === "epoch" && epochs[0]!.etaMs).toBeGreaterThan(0);
  });
});

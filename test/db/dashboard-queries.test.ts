import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineTestDb, type EngineTestDb } from "../helpers/db";
import { loadMnist } from "../../lib/mnist/dataset";
import { getRunHeader } from "../../lib/db/run-pages";
import { fetchDigit } from "../../lib/features/digits/digit-detail";
import { fetchErrorPixels, fetchErrors } from "../../lib/features/digits/errors";
import { fetchConfusions, fetchRunOverview } from "../../lib/features/runs/run-pages";
import { parseConfusion } from "../../lib/core/run-columns";
import { insertEpoch, insertPredictions, insertRun } from "./run-fixture";

const TEST_SIZE = 50;

describe("the dashboard's reads", () => {
  let db: EngineTestDb;
  let runId: number;
  const labels = loadMnist().test.labels.subarray(0, TEST_SIZE);
  // Predict every label right except digits 3, 7 and 20, which get class (label + 1) % 10 with confidence 0.6, 0.9, 0.7.
  const wrong = new Map([
    [3, 0.6],
    [7, 0.9],
    [20, 0.7],
  ]);
  const predicted = Uint8Array.from(labels, (l, i) => (wrong.has(i) ? (l + 1) % 10 : l));
  const probs = new Float32Array(TEST_SIZE * 10);
  predicted.forEach((p, i) => {
    const conf = wrong.get(i) ?? 0.95;
    probs.fill((1 - conf) / 9, i * 10, i * 10 + 10);
    probs[i * 10 + p] = conf;
  });
  const probeIndices = Int32Array.from([2, 7, 11]);

  beforeAll(async () => {
    db = await createEngineTestDb();
    runId = await insertRun(db, { status: "succeeded", testSize: TEST_SIZE, epochsPlanned: 2, probeIndices });
    for (const epoch of [1, 2]) {
      const pp = new Float32Array(probeIndices.length * 10).fill(0.01);
      probeIndices.forEach((_, k) => (pp[k * 10 + ((k + epoch) % 10)] = 0.91));
      await insertEpoch(db, runId, { epoch, probeProbs: pp });
    }
    await insertPredictions(db, runId, predicted, probs, Int32Array.from([...wrong.keys()]));
  });
  afterAll(async () => db?.cleanup());

  it("lists every misclassified digit with its labels, confidence and pixel slot", async () => {
    const errors = (await fetchErrors(db, runId))!;
    expect(errors.map((e) => e.index)).toEqual([3, 7, 20]);
    const e7 = errors[1]!;
    expect(e7).toMatchObject({ trueLabel: labels[7], predicted: (labels[7]! + 1) % 10, slot: 1 });
    expect(e7.confidence).toBeCloseTo(0.9, 6);
    expect(e7.trueProb).toBeCloseTo(0.1 / 9, 6);
  });

  it("serves the misclassified digits' pixels in slot order", async () => {
    const pixels = (await fetchErrorPixels(db, runId))!;
    const test = loadMnist().test.pixels;
    expect(pixels.length).toBe(3 * 784);
    expect(Array.from(pixels.subarray(784, 1568))).toEqual(Array.from(test.subarray(7 * 784, 8 * 784)));
  });

  it("returns nothing for a run without final predictions", async () => {
    const running = await insertRun(db, { testSize: TEST_SIZE });
    expect(await fetchErrors(db, running)).toBeNull();
    expect(await fetchErrorPixels(db, running)).toBeNull();
  });

  it("reads one digit's final probabilities and, for a probe digit, its prediction after every epoch", async () => {
    const d = (await fetchDigit(db, runId, TEST_SIZE, 7))!;
    expect(d.trueLabel).toBe(labels[7]);
    expect(d.pixels).toHaveLength(784);
    expect(d.final!.predicted).toBe(predicted[7]);
    d.final!.probs.forEach((p, c) => expect(p).toBeCloseTo(probs[70 + c]!, 6));
    expect(d.probe!.position).toBe(1);
    expect(d.probe!.epochs.map((e) => e.probs.indexOf(Math.max(...e.probs)))).toEqual([2, 3]);
  });

  it("has no per-epoch record for a digit outside the probe set, and no digit past the test size", async () => {
    expect((await fetchDigit(db, runId, TEST_SIZE, 3))!.probe).toBeNull();
    expect(await fetchDigit(db, runId, TEST_SIZE, TEST_SIZE)).toBeNull();
  });

  it("parses the confusion matrices, null for the final one before the run finishes", async () => {
    const data = (await fetchConfusions(db, runId))!;
    expect(data.final).toBeNull();
    expect(data.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(data.epochs[0]!.counts[0]).toBe(10);
    expect(await fetchConfusions(db, 999_999)).toBeNull();
    expect(() => parseConfusion("[1,2]", "run 1 testConfusion")).toThrow(
      "run 1 testConfusion is not a 10x10 count matrix",
    );
  });

  it("reads the overview with the model summary and no blob columns", async () => {
    const o = (await fetchRunOverview(db, runId))!;
    expect(o.summary.reduce((a, l) => a + l.params, 0)).toBe(932_362);
    expect(o.epochs).toHaveLength(2);
    expect("probeIndices" in o.run).toBe(false);
    expect((await getRunHeader(db, runId))!._count.epochs).toBe(2);
    expect(await fetchRunOverview(db, 999_999)).toBeNull();
  });
});

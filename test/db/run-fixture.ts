// Synthetic runs written straight into a test database (no training): rows as the trainer writes them.
import { toBlob } from "../../lib/db/blobs";
import { sqlDate } from "../../lib/db/sql";
import type { Db } from "../../lib/db/client";

export const SEED_SUMMARY = [
  { name: "flatten_1", type: "Flatten", outputShape: [784], params: 0 },
  { name: "dense_1", type: "Dense", outputShape: [512], params: 401_920 },
  { name: "dropout_1", type: "Dropout", outputShape: [512], params: 0 },
  { name: "dense_2", type: "Dense", outputShape: [512], params: 262_656 },
  { name: "dropout_2", type: "Dropout", outputShape: [512], params: 0 },
  { name: "dense_3", type: "Dense", outputShape: [512], params: 262_656 },
  { name: "dropout_3", type: "Dropout", outputShape: [512], params: 0 },
  { name: "dense_4", type: "Dense", outputShape: [10], params: 5_130 },
];

export interface FixtureRun {
  name?: string;
  status?: string;
  error?: string | null;
  epochsPlanned?: number;
  testSize?: number;
  probeIndices?: Int32Array;
}

export async function insertRun(db: Db, run: FixtureRun = {}): Promise<number> {
  const probe = run.probeIndices ?? new Int32Array(0);
  const row = await db.prisma.run.create({
    data: {
      name: run.name ?? "fixture",
      status: run.status ?? "running",
      error: run.error ?? null,
      config: JSON.stringify({ name: run.name ?? "fixture", epochs: run.epochsPlanned ?? 4 }),
      architecture: "mlp",
      paramCount: 932_362,
      modelSummary: JSON.stringify(SEED_SUMMARY),
      backend: "wasm",
      backendVersion: "fixture",
      startedAt: new Date(),
      progressAt: new Date(),
      epochsPlanned: run.epochsPlanned ?? 4,
      batchesPerEpoch: 10,
      trainSize: 1000,
      valSize: 200,
      testSize: run.testSize ?? 100,
      probeIndices: new Uint8Array(toBlob(probe)),
      probeSize: probe.length,
    },
  });
  return row.id;
}

export interface FixtureEpoch {
  epoch: number;
  loss?: number;
  valLoss?: number;
  confusion?: number[];
  /** [probeSize, 10] */
  probeProbs?: Float32Array;
}

export async function insertEpoch(db: Db, runId: number, e: FixtureEpoch): Promise<void> {
  const confusion = e.confusion ?? Array.from({ length: 100 }, (_, i) => (i % 11 === 0 ? 10 : 0));
  await db.kysely
    .insertInto("Epoch")
    .values({
      runId,
      epoch: e.epoch,
      loss: e.loss ?? 1 / e.epoch,
      accuracy: 0.8,
      valLoss: e.valLoss ?? 0.9 / e.epoch,
      valAccuracy: 0.85,
      testLoss: 0.5,
      testAccuracy: 0.84,
      durationMs: 20000,
      evalMs: 1000,
      recordMs: 10,
      improved: 1,
      confusion: JSON.stringify(confusion),
      probeProbs: e.probeProbs ? toBlob(e.probeProbs) : null,
      createdAt: sqlDate(),
    })
    .execute();
}

export async function insertPredictions(
  db: Db,
  runId: number,
  predicted: Uint8Array,
  probs: Float32Array,
  misclassified: Int32Array,
): Promise<void> {
  await db.kysely
    .insertInto("TestPredictions")
    .values({
      runId,
      count: predicted.length,
      predicted: toBlob(predicted),
      probs: toBlob(probs),
      misclassified: toBlob(misclassified),
      misclassifiedCount: misclassified.length,
    })
    .execute();
}

export interface SeedSizedRun {
  runId: number;
  misclassified: Int32Array;
  probeIndices: Int32Array;
}

/**
 * A finished run the size of the seed's (16 epochs, 10,000 test digits, 2,000 probes) without training:
 * each epoch's predictions are the true labels with a shrinking, seeded share of wrong ones.
 */
export async function insertSeedSizedRun(
  db: Db,
  labels: Uint8Array,
  deps: { rng: () => number; probeIndices: Int32Array },
  epochs = 16,
): Promise<SeedSizedRun> {
  const testSize = labels.length;
  const runId = await insertRun(db, {
    name: "seed-sized fixture",
    status: "succeeded",
    epochsPlanned: epochs,
    testSize,
    probeIndices: deps.probeIndices,
  });
  const predictionsAt = (errorRate: number) => {
    const predicted = Uint8Array.from(labels, (l) =>
      deps.rng() < errorRate ? (l + 1 + Math.floor(deps.rng() * 9)) % 10 : l,
    );
    const probs = new Float32Array(testSize * 10);
    predicted.forEach((p, i) => {
      const conf = 0.5 + deps.rng() * 0.5;
      probs.fill((1 - conf) / 9, i * 10, i * 10 + 10);
      probs[i * 10 + p] = conf;
    });
    const confusion = new Array<number>(100).fill(0);
    labels.forEach((l, i) => confusion[l * 10 + predicted[i]!]!++);
    return { predicted, probs, confusion };
  };
  let last = predictionsAt(0.1);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    last = predictionsAt(0.1 / epoch + 0.017);
    const probeProbs = new Float32Array(deps.probeIndices.length * 10);
    deps.probeIndices.forEach((row, k) => probeProbs.set(last.probs.subarray(row * 10, row * 10 + 10), k * 10));
    await insertEpoch(db, runId, { epoch, confusion: last.confusion, probeProbs });
  }
  const misclassified = Int32Array.from(Array.from(labels).flatMap((l, i) => (last.predicted[i] !== l ? [i] : [])));
  await insertPredictions(db, runId, last.predicted, last.probs, misclassified);
  await db.prisma.run.update({
    where: { id: runId },
    data: {
      bestEpoch: epochs,
      testConfusion: JSON.stringify(last.confusion),
      testLoss: 0.07,
      testAccuracy: 1 - misclassified.length / testSize,
      finishedAt: new Date(),
      baselineTestLoss: 2.3,
      baselineTestAccuracy: 0.1,
    },
  });
  return { runId, misclassified, probeIndices: deps.probeIndices };
}

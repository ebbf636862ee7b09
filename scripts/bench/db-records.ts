// The recording half of `npm run bench:db`: a seed-sized epoch record (as lib/features/train/run-training.ts writes
// it) and its reads, through lib/db's functions on whichever engine `db` is.
import type { Db } from "../../lib/db/client";
import type { CheckpointArtifacts } from "../../lib/db/checkpoints";
import { getTestPredictions } from "../../lib/db/digits";
import { listEpochEmbeddings } from "../../lib/db/embeddings";
import { insertEpochRecord, insertFinalRecord, insertRun, type EpochRecord } from "../../lib/db/run-records";
import { IMAGE_PIXELS, NUM_CLASSES } from "../../lib/core/constants";
import { createRng } from "../../lib/numeric/random";
import type { Embeddings } from "./db-reference";

/** The record's sizes: the seed's defaults are 2,000 probe digits, 3 × 512 hidden, 48,000 / 12,000 / 10,000 digits. */
export interface RecordSizes {
  probe: number;
  layers: number;
  width: number;
  train: number;
  val: number;
  test: number;
}

function randomFloats(n: number, rng: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng();
  return out;
}

/** ReLU-like activations: `zeros` of them exactly 0 (the seed run's layers: 70–79 %), the rest in [0, 3). */
function sparseActivations(n: number, rng: () => number, zeros = 0.75): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) if (rng() >= zeros) out[i] = 3 * rng();
  return out;
}

/** An MLP's weights as tfjs saves them ([784, w], [w], …, [w, 10], [10]) with placeholder topology JSON. */
function mlpCheckpoint(sizes: RecordSizes, rng: () => number): CheckpointArtifacts {
  const widths = [IMAGE_PIXELS, ...Array<number>(sizes.layers).fill(sizes.width), NUM_CLASSES];
  const specs = widths.slice(1).flatMap((w, i) => [
    { name: `dense_${i + 1}/kernel`, shape: [widths[i]!, w], dtype: "float32" },
    { name: `dense_${i + 1}/bias`, shape: [w], dtype: "float32" },
  ]);
  const values = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0);
  const layers = specs.filter((s) => s.name.endsWith("kernel")).map((s) => ({ class_name: "Dense", config: s }));
  return {
    modelTopology: JSON.stringify({ class_name: "Sequential", config: { layers } }),
    weightSpecs: JSON.stringify(specs),
    weightData: new Uint8Array(randomFloats(values, rng).buffer),
  };
}

/** Bytes of one epoch's record and of what the reads return. */
export function recordBytes(sizes: RecordSizes, record: EpochRecord) {
  const embeddings = sizes.layers * sizes.probe * sizes.width * 4;
  const epoch =
    embeddings +
    record.probeProbs.byteLength +
    (record.checkpoint?.weightData.byteLength ?? 0) +
    (record.dynamics ? sizes.train * 5 + (record.dynamics.valProbs?.byteLength ?? 0) : 0);
  const predictions = sizes.test * (1 + NUM_CLASSES * 4);
  return { epoch, embeddings, predictions, checkpoint: record.checkpoint?.weightData.byteLength ?? 0 };
}

/**
 * One epoch's record as training writes it: probe embeddings (`embeddings`, or synthetic) and probabilities, the confusion, the dynamics blobs,
 * and the best checkpoint (every epoch here: the seed's val_loss improves on most epochs, so this is the worst case).
 */
export function buildEpochRecord(sizes: RecordSizes, seed: number, embeddings?: Embeddings): EpochRecord {
  const rng = createRng(seed);
  return {
    epoch: 0,
    loss: 0.3,
    accuracy: 0.9,
    valLoss: 0.25,
    valAccuracy: 0.92,
    testLoss: 0.26,
    testAccuracy: 0.91,
    durationMs: 10_000,
    evalMs: 500,
    improved: true,
    confusion: new Int32Array(NUM_CLASSES * NUM_CLASSES).fill(Math.floor(sizes.test / 100)),
    probeProbs: randomFloats(sizes.probe * NUM_CLASSES, rng),
    embeddings:
      embeddings ??
      Array.from({ length: sizes.layers }, (_, i) => ({
        layerName: `dense_${i + 1}`,
        width: sizes.width,
        data: sparseActivations(sizes.probe * sizes.width, rng),
      })),
    checkpoint: mlpCheckpoint(sizes, rng),
    dynamics: {
      trainLabelProbs: randomFloats(sizes.train, rng),
      trainCorrect: Uint8Array.from({ length: sizes.train }, () => (rng() < 0.9 ? 1 : 0)),
      ...(sizes.val > 0 ? { valProbs: randomFloats(sizes.val * NUM_CLASSES, rng) } : {}),
    },
  };
}

/** The same record for an epoch that did not improve val_loss: no checkpoint (most of the seed's later epochs). */
export function withoutCheckpoint(record: EpochRecord): EpochRecord {
  const plain = { ...record, improved: false };
  delete plain.checkpoint;
  return plain;
}

/** A running run's row shaped like the seed's, for the epochs to hang on. */
export async function insertBenchRun(db: Db, sizes: RecordSizes): Promise<number> {
  return insertRun(db, {
    name: "bench:db",
    notes: "",
    config: "{}",
    architecture: "mlp",
    paramCount: 0,
    modelSummary: "[]",
    backend: "wasm",
    backendVersion: "",
    epochsPlanned: 1000,
    batchesPerEpoch: 0,
    trainSize: sizes.train + sizes.val,
    valSize: sizes.val,
    testSize: sizes.test,
    probeIndices: Int32Array.from({ length: sizes.probe }, (_, i) => i),
    probeSeed: 0,
  });
}

/** ms for the training loop's await of insertEpochRecord (its transaction and its recordMs update). */
export async function timeEpochWrite(db: Db, runId: number, record: EpochRecord, epoch: number): Promise<number> {
  const start = performance.now();
  await insertEpochRecord(db, runId, { ...record, epoch });
  return performance.now() - start;
}

/** The final record (test predictions and the last layer over the test digits), so the predictions can be read. */
export async function writeFinalRecord(db: Db, runId: number, sizes: RecordSizes, seed: number): Promise<number> {
  const rng = createRng(seed);
  const start = performance.now();
  await insertFinalRecord(db, runId, {
    testLoss: 0.26,
    testAccuracy: 0.91,
    confusion: new Int32Array(NUM_CLASSES * NUM_CLASSES).fill(Math.floor(sizes.test / 100)),
    predicted: Uint8Array.from({ length: sizes.test }, (_, i) => i % NUM_CLASSES),
    probs: randomFloats(sizes.test * NUM_CLASSES, rng),
    misclassified: new Int32Array(0),
    lastHidden: {
      layerIndex: sizes.layers - 1,
      layerName: `dense_${sizes.layers}`,
      width: sizes.width,
      data: randomFloats(sizes.test * sizes.width, rng),
    },
  });
  return performance.now() - start;
}

/** ms to read epoch `epoch`'s probe embeddings (every layer, as the explorer loads them); checks the bytes. */
export async function timeEmbeddingsRead(db: Db, runId: number, epoch: number, bytes: number): Promise<number> {
  const start = performance.now();
  const rows = await listEpochEmbeddings(db, runId, epoch);
  const ms = performance.now() - start;
  const read = rows.reduce((sum, r) => sum + r.data.byteLength, 0);
  if (read !== bytes) throw new Error(`epoch ${epoch}: read ${read} embedding bytes, expected ${bytes}`);
  return ms;
}

/** ms to read the run's test predictions (labels and probabilities); checks the bytes. */
export async function timePredictionsRead(db: Db, runId: number, bytes: number): Promise<number> {
  const start = performance.now();
  const row = await getTestPredictions(db, runId);
  const ms = performance.now() - start;
  const read = row ? row.predicted.byteLength + row.probs.byteLength : -1;
  if (read !== bytes) throw new Error(`run ${runId}: read ${read} bytes of test predictions, expected ${bytes}`);
  return ms;
}

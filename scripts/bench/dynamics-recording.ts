// Entry point of `npm run bench:dynamics`: what recording the training dynamics costs on the seed's settings (the batch
// pass's label probabilities, against a separate inference pass over the training digits) and what dropout does to them.
import os from "node:os";
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { openDatabase, type Db } from "../../lib/db/client";
import { insertEpochRecord, insertRun, type EpochRecord } from "../../lib/db/run-records";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { loadMnist, headOfSplit } from "../../lib/mnist/dataset";
import { oneHot, scalePixels } from "../../lib/mnist/encode";
import { IMAGE_SIDE, NUM_CLASSES } from "../../lib/core/constants";
import { initBackend } from "../../lib/model/backend";
import { createModel, createProbeModel } from "../../lib/model/create";
import { parseTrainConfig, splitSizes } from "../../lib/core/train-config";
import { createOptimizer, trainEpoch, type EpochRecording } from "../../lib/features/train/loop";
import { forwardPass } from "../../lib/features/train/forward";
import { createRng } from "../../lib/numeric/random";

const USAGE = `usage: npm run bench:dynamics -- [--epochs N]
  --epochs  epochs of the seed network on the seed's 48,000 training digits (default 2, 1..16); odd epochs train
            without recording, even ones with it, so two epochs give one of each`;

const argsSchema = z.object({ epochs: z.coerce.number().int().min(1).max(16).default(2) });

/** A migrated scratch database with one run row, for timing the epoch writes through lib/db. */
async function scratchRun(dir: string): Promise<{ db: Db; runId: number }> {
  const url = `file:${path.join(dir, "scratch.db")}`;
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "ignore" });
  const db = openDatabase(url);
  const runId = await insertRun(db, {
    name: "bench",
    notes: "",
    config: "{}",
    architecture: "mlp",
    paramCount: 0,
    modelSummary: "[]",
    backend: "wasm",
    backendVersion: "",
    epochsPlanned: 99,
    batchesPerEpoch: 0,
    trainSize: 0,
    valSize: 0,
    testSize: 0,
    probeIndices: new Int32Array(0),
    probeSeed: 0,
  });
  return { db, runId };
}

/**
 * Median ms that the dynamics blobs add to an epoch's write (insertEpochRecord with and without them, alternating,
 * 7 of each, into a scratch file): the storage part of the recording.
 */
async function timeBlobWrite(
  dynamics: NonNullable<EpochRecord["dynamics"]>,
): Promise<{ with: number; without: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-dynamics-"));
  try {
    const { db, runId } = await scratchRun(dir);
    const base: EpochRecord = {
      epoch: 0,
      loss: 0,
      accuracy: 0,
      valLoss: 0,
      valAccuracy: 0,
      testLoss: 0,
      testAccuracy: 0,
      durationMs: 0,
      evalMs: 0,
      improved: false,
      confusion: new Int32Array(100),
      probeProbs: new Float32Array(20_000),
      embeddings: [],
    };
    const times = { with: [] as number[], without: [] as number[] };
    for (let k = 0; k < 14; k++) {
      const withBlobs = k % 2 === 1;
      const ms = await insertEpochRecord(db, runId, { ...base, epoch: k + 1, ...(withBlobs ? { dynamics } : {}) });
      times[withBlobs ? "with" : "without"].push(ms);
    }
    await db.close();
    const median = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
    return { with: median(times.with), without: median(times.without) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const flags = parseScriptFlags("bench:dynamics", USAGE, { epochs: { type: "string" } }, argsSchema);
  if ("exitCode" in flags) return flags.exitCode;
  const backend = await initBackend("wasm");
  console.log(`backend=${backend.name} ${backend.version}  load_average_1m_before=${os.loadavg()[0]!.toFixed(2)}`);

  const config = parseTrainConfig({});
  const sizes = splitSizes(config);
  const subset = headOfSplit(loadMnist().train, config.trainSize);
  const pixels = IMAGE_SIDE * IMAGE_SIDE;
  const labels = subset.labels.subarray(0, sizes.train);
  const x = tf.tensor3d(scalePixels(subset.pixels.subarray(0, sizes.train * pixels)), [sizes.train, 28, 28]);
  const y = tf.tensor2d(oneHot(labels), [sizes.train, NUM_CLASSES]);
  const model = createModel(config.architecture, config.seed);
  const probe = createProbeModel(model).model;
  const optimizer = createOptimizer(config.optimizer);
  const rng = createRng(config.seed);
  const options = { batchSize: config.batchSize, shuffle: true, rng };

  // Warm-up on the first two batches' digits: wasm code paths stay out of the timed epochs.
  const [wx, wy] = [x.slice(0, 256), y.slice(0, 256)];
  await trainEpoch(model, optimizer, wx, wy, options);
  tf.dispose([wx, wy]);

  for (let epoch = 1; epoch <= flags.args.epochs; epoch++) {
    const recording = epoch % 2 === 0;
    const record: EpochRecording = {
      labelProbs: new Float32Array(sizes.train),
      correct: new Uint8Array(sizes.train),
    };
    const start = performance.now();
    const result = await trainEpoch(model, optimizer, x, y, { ...options, ...(recording ? { record } : {}) });
    const epochMs = performance.now() - start;
    const line = `epoch ${epoch} ${recording ? "recording" : "not recording"}: ${(epochMs / 1000).toFixed(2)} s`;
    if (!recording) {
      console.log(`${line}  load_average_1m=${os.loadavg()[0]!.toFixed(2)}`);
      continue;
    }
    // The alternative: a separate inference pass over the training digits after the epoch (no dropout).
    const passStart = performance.now();
    const pass = await forwardPass(probe, x, new Int32Array(0), { batchSize: 1000 });
    const passMs = performance.now() - passStart;
    let absDiff = 0;
    let disagree = 0;
    let passCorrect = 0;
    let batchCorrect = 0;
    for (let i = 0; i < sizes.train; i++) {
      const row = pass.probs.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES);
      let best = 0;
      for (let c = 1; c < NUM_CLASSES; c++) if (row[c]! > row[best]!) best = c;
      const hit = best === labels[i] ? 1 : 0;
      passCorrect += hit;
      batchCorrect += record.correct[i]!;
      if (hit !== record.correct[i]) disagree++;
      absDiff += Math.abs(row[labels[i]!]! - record.labelProbs[i]!);
    }
    const valProbs = new Float32Array(sizes.val * NUM_CLASSES);
    const write = await timeBlobWrite({ trainLabelProbs: record.labelProbs, trainCorrect: record.correct, valProbs });
    const writeMs = Math.max(0, write.with - write.without);
    const pct = (ms: number) => `${((100 * ms) / epochMs).toFixed(2)} %`;
    console.log(`${line}  load_average_1m=${os.loadavg()[0]!.toFixed(2)}`);
    console.log(
      `  batch-pass recording (read back + place, in the loop): ${result.recordMs.toFixed(1)} ms = ${pct(result.recordMs)} of the epoch`,
    );
    console.log(
      `  writing the epoch's dynamics blobs (${((sizes.train * 5 + valProbs.byteLength) / 1024).toFixed(0)} KB, lib/db's epoch write with and without them, medians of 7): ${write.with.toFixed(1)} − ${write.without.toFixed(1)} = ${writeMs.toFixed(1)} ms = ${pct(writeMs)}`,
    );
    console.log(
      `  recording_total_ms=${(result.recordMs + writeMs).toFixed(1)} recording_pct=${((100 * (result.recordMs + writeMs)) / epochMs).toFixed(2)}`,
    );
    console.log(
      `  separate inference pass over ${sizes.train} digits: ${passMs.toFixed(0)} ms = ${pct(passMs)} of the epoch`,
    );
    console.log(
      `  dropout and the epoch's updates: training accuracy ${(batchCorrect / sizes.train).toFixed(4)} in the batch pass, ` +
        `${(passCorrect / sizes.train).toFixed(4)} in the pass after the epoch; correctness differs on ${disagree} digits; ` +
        `mean |p_batch − p_after| = ${(absDiff / sizes.train).toFixed(4)}`,
    );
  }
  console.log(`load_average_1m_after=${os.loadavg()[0]!.toFixed(2)}`);
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
  return 0;
}

runScript("bench:dynamics", main, { stack: true });

// Attribution timings per method for the seed MLP and the CNN preset: cold (checkpoint read and model built, first
// run of the method's shapes), warm (model loaded, map not cached) and cached, on a short run of each architecture.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, type Db } from "../../lib/db/client";
import { parseTrainConfig, type TrainConfigInput } from "../../lib/core/train-config";
import { ATTRIBUTION_METHODS, type AttributionMethod } from "../../lib/core/attribution";
import { runTraining } from "../../lib/features/train/run-training";
import {
  clearCheckpointModels,
  ensureModelBackend,
  getCheckpointModel,
} from "../../lib/features/explain/checkpoint-models";
import { fetchDigitAttribution } from "../../lib/features/explain/digit-attribution";

const { values } = parseArgs({ options: { digits: { type: "string" }, keep: { type: "boolean" } } });
const DIGITS = Number(values.digits ?? 20);
if (!Number.isInteger(DIGITS) || DIGITS < 2 || DIGITS > 500) {
  console.error(`--digits must be an integer from 2 to 500, got ${values.digits}`);
  process.exit(2);
}

const file = path.resolve(".tmp/bench-attribution.db");
mkdirSync(path.dirname(file), { recursive: true });
rmSync(file, { force: true });
const url = `file:${file}`;
execFileSync("npx", ["prisma", "migrate", "deploy"], {
  env: { ...process.env, DATABASE_URL: url, PRISMA_SCHEMA_ENGINE_BINARY: "/nonexistent" },
  stdio: "ignore",
});
const db = openDatabase(url);

const processStart = performance.now();
const backend = await ensureModelBackend();
const backendMs = performance.now() - processStart;

/** A short run: the timings depend on the weights' shapes, not on how well they were trained. */
async function train(input: TrainConfigInput): Promise<number> {
  const config = parseTrainConfig({ epochs: 1, testSize: 1000, probeSize: 100, ...input });
  const { runId, status } = await runTraining(db, config, { backend });
  if (status !== "succeeded") throw new Error(`training ${config.name} ended ${status}`);
  return runId;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]!;

async function time(db: Db, runId: number, index: number, method: AttributionMethod): Promise<number> {
  const started = performance.now();
  const answer = await fetchDigitAttribution(db, {
    runId,
    index,
    method,
    baseline: "black",
    classChoice: "predicted",
    checkpoint: "best",
  });
  if (answer.kind !== "ok") throw new Error(answer.error);
  return performance.now() - started;
}

const rows: string[] = [];
for (const [label, input] of [
  ["seed MLP (932,362 params)", { name: "bench MLP", trainSize: 3000 }],
  ["CNN preset", { name: "bench CNN", trainSize: 1000, architecture: { kind: "cnn" } }],
] as const) {
  const runId = await train(input as TrainConfigInput);
  for (const [m, method] of ATTRIBUTION_METHODS.entries()) {
    // Cold: no model loaded, so the checkpoint is read and the model built; the first run of the method's shapes.
    clearCheckpointModels();
    const loadStart = performance.now();
    const loaded = await getCheckpointModel(db, runId, "best");
    const loadMs = performance.now() - loadStart;
    const firstMs = await time(db, runId, 1000 - 1 - m, method);
    const warm: number[] = [];
    for (let d = 0; d < DIGITS; d++) warm.push(await time(db, runId, d, method));
    const cachedStart = performance.now();
    await time(db, runId, 0, method);
    const cachedMs = performance.now() - cachedStart;
    rows.push(
      `| ${label} | ${method} | ${(loadMs + firstMs).toFixed(0)} (load ${loaded!.loadMs.toFixed(0)}) | ${median(warm).toFixed(1)} | ${p90(warm).toFixed(1)} | ${cachedMs.toFixed(2)} |`,
    );
  }
}
const load = os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(" ");
console.log(`backend: ${backend.name} (${backend.version}); initialised in ${backendMs.toFixed(0)} ms`);
console.log(
  `warm: ${DIGITS} digits each, model loaded, maps not cached; load average ${load} on ${os.cpus().length} cores`,
);
console.log("| model | method | cold ms | warm median ms | warm p90 ms | cached ms |");
console.log("| ----- | ------ | ------: | -------------: | ----------: | --------: |");
for (const row of rows) console.log(row);
await db.close();
if (!values.keep) rmSync(file, { force: true });

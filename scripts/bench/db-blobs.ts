// Measures the blob path: Prisma's better-sqlite3 adapter against better-sqlite3 directly, then the per-epoch and
// final records written and read the old way (raw better-sqlite3 statements, as lib/features/train/record.ts had
// them) against lib/db's functions (Kysely on the same connection). Median of --runs runs each (5), seed-sized blobs.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { openSqlite, type SqliteDb as Db } from "../../lib/db/client";
import { toBlob } from "../../lib/db/blobs";
import { insertEpochRecord, insertFinalRecord, type EpochRecord, type FinalRecord } from "../../lib/db/run-records";
import { getTestPredictions } from "../../lib/db/digits";
import { listEpochEmbeddings } from "../../lib/db/embeddings";
import { sqlDate } from "../../lib/db/sql";
import { parseScriptFlags } from "../../lib/features/cli/flags";
import { z } from "zod";

const USAGE = `npm run bench:db-blobs [-- --runs N]

  --runs N   old and new paths alternate N times each; medians are printed (default 5, 1-100)`;
const flags = parseScriptFlags(
  "bench:db-blobs",
  USAGE,
  { runs: { type: "string" } },
  z.object({ runs: z.coerce.number().int().min(1).max(100).default(5) }),
);
if ("exitCode" in flags) process.exit(flags.exitCode);

const BLOBS = 4;
const BYTES = 4_000_000;
const RUNS = flags.args.runs;
/** Seed defaults: 2,000 probe digits, three hidden layers of 512, 10,000 test digits. */
const PROBE = 2000;
const WIDTH = 512;
const LAYERS = 3;
const TEST = 10_000;

const dir = mkdtempSync(path.join(os.tmpdir(), "bench-blobs-"));
const url = `file:${path.join(dir, "bench.db")}`;
execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "ignore" });
const db = openSqlite(url);

async function createRun(): Promise<number> {
  const run = await db.prisma.run.create({
    data: {
      name: "bench",
      config: "{}",
      architecture: "mlp",
      paramCount: 0,
      modelSummary: "[]",
      backend: "none",
      backendVersion: "",
      epochsPlanned: 0,
      trainSize: 0,
      valSize: 0,
      testSize: 0,
    },
  });
  return run.id;
}

// --- Prisma's adapter against better-sqlite3 (one pass, 4 x 4 MB) ---
const benchRun = await createRun();
const blob = new Uint8Array(BYTES).map((_, i) => i % 251);
let t = performance.now();
for (let i = 0; i < BLOBS; i++) {
  await db.prisma.checkpoint.create({
    data: { runId: benchRun, kind: `prisma${i}`, epoch: 0, modelTopology: "{}", weightSpecs: "[]", weightData: blob },
  });
}
const prismaWrite = performance.now() - t;
t = performance.now();
const viaPrisma = await db.prisma.checkpoint.findMany({ where: { kind: { startsWith: "prisma" } } });
const prismaRead = performance.now() - t;
t = performance.now();
const insert = db.sqlite.prepare(
  "INSERT INTO Checkpoint (runId, kind, epoch, modelTopology, weightSpecs, weightData, createdAt, updatedAt) VALUES (?, ?, 0, '{}', '[]', ?, ?, ?)",
);
for (let i = 0; i < BLOBS; i++) insert.run(benchRun, `direct${i}`, Buffer.from(blob.buffer), sqlDate(), sqlDate());
const directWrite = performance.now() - t;
t = performance.now();
const direct = db.sqlite.prepare("SELECT weightData FROM Checkpoint WHERE kind LIKE 'direct%'").all() as Array<{
  weightData: Buffer;
}>;
const directRead = performance.now() - t;
if (viaPrisma.length !== BLOBS || direct.length !== BLOBS) throw new Error("blob count mismatch");

console.log(`${BLOBS} x ${BYTES / 1e6} MB blobs`);
console.log(`prisma adapter: write ${(prismaWrite / 1000).toFixed(2)} s, read ${(prismaRead / 1000).toFixed(2)} s`);
console.log(`better-sqlite3: write ${(directWrite / 1000).toFixed(2)} s, read ${(directRead / 1000).toFixed(2)} s`);
console.log(
  `ratio_prisma_vs_direct write=${(prismaWrite / directWrite).toFixed(1)} read=${(prismaRead / directRead).toFixed(1)}`,
);

// --- Epoch and final records: the old raw statements against lib/db/run-records.ts ---
function randomFloats(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.random();
  return out;
}

const epochRecord: EpochRecord = {
  epoch: 1,
  loss: 0.3,
  accuracy: 0.9,
  valLoss: 0.25,
  valAccuracy: 0.92,
  testLoss: 0.26,
  testAccuracy: 0.91,
  durationMs: 1000,
  evalMs: 100,
  improved: false,
  confusion: new Int32Array(100).fill(10),
  probeProbs: randomFloats(PROBE * 10),
  embeddings: Array.from({ length: LAYERS }, (_, i) => ({
    layerName: `dense_${i + 1}`,
    width: WIDTH,
    data: randomFloats(PROBE * WIDTH),
  })),
};
const predicted = Uint8Array.from({ length: TEST }, (_, i) => i % 10);
const finalRecord: FinalRecord = {
  testLoss: 0.26,
  testAccuracy: 0.91,
  confusion: new Int32Array(100).fill(100),
  predicted,
  probs: randomFloats(TEST * 10),
  misclassified: Int32Array.from({ length: 900 }, (_, i) => i * 11),
  lastHidden: { layerIndex: LAYERS - 1, layerName: `dense_${LAYERS}`, width: WIDTH, data: randomFloats(TEST * WIDTH) },
};
const epochBytes = LAYERS * PROBE * WIDTH * 4 + PROBE * 40;
const finalBytes = TEST * WIDTH * 4 + TEST * 41 + 900 * 4;

/** recordEpoch as it was (lib/features/train/record.ts before lib/db took its statements), without the checkpoint. */
function oldWriteEpoch(db: Db, runId: number, record: EpochRecord): void {
  const now = sqlDate();
  const insertEmbedding = db.sqlite.prepare(
    `INSERT INTO Embedding (runId, subset, epoch, layerIndex, layerName, rows, cols, dtype, data, createdAt)
     VALUES (?, 'probe', ?, ?, ?, ?, ?, 'float32', ?, ?)`,
  );
  const start = performance.now();
  db.sqlite.transaction(() => {
    const probeRows = record.probeProbs.length / 10;
    record.embeddings.forEach((e, layerIndex) => {
      insertEmbedding.run(runId, record.epoch, layerIndex, e.layerName, probeRows, e.width, toBlob(e.data), now);
    });
    db.sqlite
      .prepare("UPDATE Run SET progressEpoch = ?, progressBatch = 0, progressAt = ? WHERE id = ?")
      .run(record.epoch, now, runId);
    db.sqlite
      .prepare(
        `INSERT INTO Epoch (runId, epoch, loss, accuracy, valLoss, valAccuracy, testLoss, testAccuracy, durationMs, evalMs,
           recordMs, improved, confusion, probeProbs, createdAt)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
      )
      .run(
        runId,
        record.epoch,
        record.loss,
        record.accuracy,
        record.valLoss,
        record.valAccuracy,
        record.testLoss,
        record.testAccuracy,
        Math.round(record.durationMs),
        Math.round(record.evalMs),
        record.improved ? 1 : 0,
        JSON.stringify(Array.from(record.confusion)),
        toBlob(record.probeProbs),
        now,
      );
  })();
  const elapsed = performance.now() - start;
  db.sqlite
    .prepare("UPDATE Epoch SET recordMs = ? WHERE runId = ? AND epoch = ?")
    .run(Math.round(elapsed), runId, record.epoch);
}

/** recordFinal as it was. */
function oldWriteFinal(db: Db, runId: number, final: FinalRecord): void {
  const now = sqlDate();
  db.sqlite.transaction(() => {
    db.sqlite
      .prepare(
        "INSERT INTO TestPredictions (runId, count, predicted, probs, misclassified, misclassifiedCount) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(
        runId,
        final.predicted.length,
        toBlob(final.predicted),
        toBlob(final.probs),
        toBlob(final.misclassified),
        final.misclassified.length,
      );
    db.sqlite
      .prepare(
        `INSERT INTO Embedding (runId, subset, epoch, layerIndex, layerName, rows, cols, dtype, data, createdAt)
         VALUES (?, 'test', 0, ?, ?, ?, ?, 'float32', ?, ?)`,
      )
      .run(
        runId,
        final.lastHidden.layerIndex,
        final.lastHidden.layerName,
        final.predicted.length,
        final.lastHidden.width,
        toBlob(final.lastHidden.data),
        now,
      );
    db.sqlite
      .prepare(
        "UPDATE Run SET testLoss = ?, testAccuracy = ?, testConfusion = ?, status = 'succeeded', finishedAt = ?, progressAt = ? WHERE id = ?",
      )
      .run(final.testLoss, final.testAccuracy, JSON.stringify(Array.from(final.confusion)), now, now, runId);
  })();
}

/** The reads as lib/ had them: one prepared SELECT per blob row set, rows typed by a cast. */
function oldReadEpoch(db: Db, runId: number, epoch: number): number {
  const rows = db.sqlite
    .prepare(
      "SELECT layerIndex, layerName, rows, cols, dtype, data FROM Embedding WHERE runId = ? AND subset = 'probe' AND epoch = ? ORDER BY layerIndex",
    )
    .all(runId, epoch) as Array<{ data: Buffer }>;
  return rows.reduce((sum, r) => sum + r.data.byteLength, 0);
}

function oldReadFinal(db: Db, runId: number): number {
  const row = db.sqlite
    .prepare("SELECT count, predicted, probs, misclassified, misclassifiedCount FROM TestPredictions WHERE runId = ?")
    .get(runId) as { predicted: Buffer; probs: Buffer; misclassified: Buffer } | undefined;
  if (!row) throw new Error(`run ${runId} has no test predictions`);
  return row.predicted.byteLength + row.probs.byteLength + row.misclassified.byteLength;
}

interface Path {
  writeEpoch(runId: number): Promise<void>;
  readEpoch(runId: number): Promise<number>;
  writeFinal(runId: number): Promise<void>;
  readFinal(runId: number): Promise<number>;
}

const paths: Record<"old" | "new", Path> = {
  old: {
    writeEpoch: async (runId) => oldWriteEpoch(db, runId, epochRecord),
    readEpoch: async (runId) => oldReadEpoch(db, runId, epochRecord.epoch),
    writeFinal: async (runId) => oldWriteFinal(db, runId, finalRecord),
    readFinal: async (runId) => oldReadFinal(db, runId),
  },
  new: {
    writeEpoch: async (runId) => void (await insertEpochRecord(db, runId, epochRecord)),
    readEpoch: async (runId) =>
      (await listEpochEmbeddings(db, runId, epochRecord.epoch)).reduce((sum, r) => sum + r.data.byteLength, 0),
    writeFinal: (runId) => insertFinalRecord(db, runId, finalRecord),
    readFinal: async (runId) => {
      const row = await getTestPredictions(db, runId);
      if (!row) throw new Error(`run ${runId} has no test predictions`);
      return row.predicted.byteLength + row.probs.byteLength + row.misclassified.byteLength;
    },
  },
};

const steps = ["writeEpoch", "readEpoch", "writeFinal", "readFinal"] as const;
type Step = (typeof steps)[number];
const timings: Record<"old" | "new", Record<Step, number[]>> = {
  old: { writeEpoch: [], readEpoch: [], writeFinal: [], readFinal: [] },
  new: { writeEpoch: [], readEpoch: [], writeFinal: [], readFinal: [] },
};

/** One pass of a path on a fresh run row; `record` false for the warm-up. */
async function pass(name: "old" | "new", record: boolean): Promise<void> {
  const runId = await createRun();
  const p = paths[name];
  for (const step of steps) {
    const start = performance.now();
    const read = await p[step](runId);
    const ms = performance.now() - start;
    if (step === "readEpoch" && read !== LAYERS * PROBE * WIDTH * 4)
      throw new Error(`${name} read ${read} embedding bytes`);
    if (record) timings[name][step].push(ms);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

await pass("old", false);
await pass("new", false);
// Alternate the paths so drift in the machine's load falls on both alike.
for (let i = 0; i < RUNS; i++) {
  for (const name of i % 2 === 0 ? (["old", "new"] as const) : (["new", "old"] as const)) await pass(name, true);
}

console.log(
  `\nepoch record: ${LAYERS} embeddings of ${PROBE} x ${WIDTH} float32 + probe probs (${(epochBytes / 1e6).toFixed(1)} MB); ` +
    `final record: test predictions + last layer of ${TEST} x ${WIDTH} (${(finalBytes / 1e6).toFixed(1)} MB); median of ${RUNS} runs each`,
);
console.log(`${"step".padEnd(12)} ${"old ms".padStart(8)} ${"new ms".padStart(8)} ${"new/old".padStart(8)}`);
let oldTotal = 0;
let newTotal = 0;
for (const step of steps) {
  const o = median(timings.old[step]);
  const n = median(timings.new[step]);
  oldTotal += o;
  newTotal += n;
  console.log(
    `${step.padEnd(12)} ${o.toFixed(1).padStart(8)} ${n.toFixed(1).padStart(8)} ${(n / o).toFixed(2).padStart(8)}`,
  );
}
const ratio = newTotal / oldTotal;
console.log(
  `${"total".padEnd(12)} ${oldTotal.toFixed(1).padStart(8)} ${newTotal.toFixed(1).padStart(8)} ${ratio.toFixed(2).padStart(8)}`,
);
console.log(
  `ratio_new_vs_old=${ratio.toFixed(3)} (goal <= 1.10) load ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
);
await db.close();
rmSync(dir, { recursive: true, force: true });

// Entry point of `npm run bench:db`: SQLite (a fresh file) and PostgreSQL (a fresh database on a server) side by side
// through lib/db's real functions: recording a seed epoch, reading it back, and the queue's claims with 1 and 3 workers.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { openDatabase, type Db } from "../../lib/db/client";
import { BLOB_STORAGES, createScratchDatabase, dropScratchDatabase } from "../../lib/db/scratch-database";
import { parseTrainConfig, splitSizes } from "../../lib/core/train-config";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { benchClaims, type ClaimResult } from "./db-claims";
import * as rec from "./db-records";
import { readReferenceRun } from "./db-reference";

const USAGE = `usage: npm run bench:db -- [--epochs N] [--reads N] [--jobs K] [--probe N] [--layers N] [--width N]
                        [--postgres URL] [--pg-blobs pglz|lz4|uncompressed] [--db FILE [--run ID]] [--epoch-ms MS]
  --epochs    timed epoch records per engine after one warm-up, alternating engines (default 7, 1-100)
  --reads     timed reads of an epoch's embeddings and of the test predictions per engine (default 7, 1-100)
  --jobs      jobs queued for each claim round, drained by 1 and then 3 claimer processes (default 300, 10-10000)
  --probe, --layers, --width   the recorded embeddings: probe digits × hidden layers × width (seed: 2000, 3, 512)
  --postgres  a server and role that may create databases (default TEST_POSTGRES_URL or
              postgresql://mnistlens:mnistlens@127.0.0.1:5432/postgres); a scratch database is made and dropped
  --pg-blobs  how the scratch database's bytea columns are stored: lz4 (as migrated), pglz (PostgreSQL's default) or
              uncompressed (STORAGE EXTERNAL)
  --db        a database with a finished run (--run ID, default its newest succeeded run): its median epoch training
              time is the epoch the recording is compared with, and its last epoch's embeddings are recorded
              (sizes from them); without it 10000 ms and synthetic embeddings (75 % zeros, as ReLU's)
  --epoch-ms  the epoch time to compare with, overriding --db's`;

const DEFAULT_POSTGRES = "postgresql://mnistlens:mnistlens@127.0.0.1:5432/postgres";
const count = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const argsSchema = z.object({
  epochs: count(100, 7),
  reads: count(100, 7),
  jobs: z.coerce.number().int().min(10).max(10_000).default(300),
  probe: count(10_000, 2000),
  layers: count(8, 3),
  width: count(4096, 512),
  postgres: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "expected a postgresql:// URL")
    .default(process.env.TEST_POSTGRES_URL ?? DEFAULT_POSTGRES),
  "pg-blobs": z.enum(BLOB_STORAGES).default("lz4"),
  "epoch-ms": z.coerce.number().positive().max(86_400_000).optional(),
  db: z.string().min(1).optional(),
  run: z.coerce.number().int().positive().optional(),
});

interface Engine {
  name: "SQLite" | "PostgreSQL";
  url: string;
  db: Db;
  runId: number;
  /** ms per epoch record: improved (with the best checkpoint) and not improved. */
  improved: number[];
  plain: number[];
  embeddingsRead: number[];
  predictionsRead: number[];
  finalMs: number;
  claims: ClaimResult[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const load = () =>
  `load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} on ${os.cpus().length} cores`;

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:db",
    USAGE,
    Object.fromEntries(Object.keys(argsSchema.shape).map((k) => [k, { type: "string" as const }])),
    argsSchema,
  );
  if ("exitCode" in flags) return flags.exitCode;
  const args = flags.args;
  const seed = parseTrainConfig({});
  const split = splitSizes(seed);
  const reference = args.db !== undefined ? await readReferenceRun(args.db, args.run) : undefined;
  const stored = reference?.embeddings;
  // A reference run's embeddings set the probe, layer and width sizes.
  const shape = stored
    ? { probe: stored[0]!.data.length / stored[0]!.width, layers: stored.length, width: stored[0]!.width }
    : { probe: args.probe, layers: args.layers, width: args.width };
  const sizes: rec.RecordSizes = { ...shape, ...split, test: seed.testSize };
  const epoch =
    args["epoch-ms"] !== undefined
      ? { ms: args["epoch-ms"], source: "given by --epoch-ms" }
      : reference
        ? { ms: reference.epochMs, source: reference.describe }
        : { ms: 10_000, source: "default (no --epoch-ms or --db)" };
  const record = rec.buildEpochRecord(sizes, seed.seed, stored);
  const plain = rec.withoutCheckpoint(record);
  const bytes = rec.recordBytes(sizes, record);
  console.log(`bench:db  ${new Date().toISOString()}  ${load()}  PostgreSQL blobs: ${args["pg-blobs"]}`);
  console.log(
    `epoch record ${(bytes.epoch / 1e6).toFixed(1)} MB: ${sizes.layers} × ${sizes.probe} × ${sizes.width} float32 embeddings ` +
      `(${(bytes.embeddings / 1e6).toFixed(1)} MB, ${stored ? "the reference run's" : "synthetic, 75 % zeros as ReLU's"}), probe probs, dynamics of ${sizes.train} + ${sizes.val} digits, ` +
      `and a ${(record.checkpoint!.weightData.byteLength / 1e6).toFixed(1)} MB checkpoint when improved (timed with and without, alternating); ` +
      `epoch time ${(epoch.ms / 1000).toFixed(2)} s, ${epoch.source}`,
  );

  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-db-"));
  const sqliteUrl = `file:${path.join(dir, "bench.db")}`;
  let postgresUrl: string | undefined;
  const engines: Engine[] = [];
  try {
    execFileSync("npx", ["prisma", "migrate", "deploy"], {
      env: { ...process.env, DATABASE_URL: sqliteUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: "ignore",
    });
    postgresUrl = await createScratchDatabase(args.postgres, "mnist_lens_bench", args["pg-blobs"]);
    for (const [name, url] of [
      ["SQLite", sqliteUrl],
      ["PostgreSQL", postgresUrl],
    ] as const) {
      const db = openDatabase(url);
      const runId = await rec.insertBenchRun(db, sizes);
      engines.push({
        name,
        url,
        db,
        runId,
        improved: [],
        plain: [],
        embeddingsRead: [],
        predictionsRead: [],
        finalMs: 0,
        claims: [],
      });
    }
    // Epoch 1 warms each engine up (connections, statement caches, the file's first pages); then the engines
    // alternate which goes first, so drift in the shared machine's load falls on both alike.
    for (const e of engines) await rec.timeEpochWrite(e.db, e.runId, record, 1);
    for (let i = 0; i < args.epochs; i++)
      for (const e of i % 2 ? [...engines].reverse() : engines) {
        e.improved.push(await rec.timeEpochWrite(e.db, e.runId, record, 2 + 2 * i));
        e.plain.push(await rec.timeEpochWrite(e.db, e.runId, plain, 3 + 2 * i));
      }
    for (const e of engines) e.finalMs = await rec.writeFinalRecord(e.db, e.runId, sizes, seed.seed);
    for (let i = 0; i < args.reads; i++)
      for (const e of i % 2 ? [...engines].reverse() : engines) {
        e.embeddingsRead.push(
          await rec.timeEmbeddingsRead(e.db, e.runId, 2 + (i % (2 * args.epochs)), bytes.embeddings),
        );
        e.predictionsRead.push(await rec.timePredictionsRead(e.db, e.runId, bytes.predictions));
      }
    for (const workers of [1, 3])
      for (const e of engines) e.claims.push(await benchClaims(e.db, e.url, args.jobs, workers));
    printTable(engines, bytes, epoch.ms);
  } finally {
    for (const e of engines) await e.db.close();
    rmSync(dir, { recursive: true, force: true });
    if (postgresUrl) await dropScratchDatabase(postgresUrl);
  }
  console.log(load());
  const bad = engines.flatMap((e) => e.claims.filter((c) => c.duplicates + c.lost > 0));
  return bad.length > 0 ? 1 : 0;
}

type Row = [string, string, string, string];

/** A timed step's rows: median (min–max) ms, and MB/s over `bytes`, with PostgreSQL's ratio to SQLite. */
function timedRows(label: string, sq: number[], pg: number[], bytes: number): Row[] {
  const ms = (v: number[]) => `${median(v).toFixed(1)} (${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)})`;
  const mbps = (v: number[]) => (bytes / 1e3 / median(v)).toFixed(0);
  return [
    [`${label}, ms: median (min–max) of ${sq.length}`, ms(sq), ms(pg), (median(pg) / median(sq)).toFixed(2)],
    ["  MB/s", mbps(sq), mbps(pg), (median(sq) / median(pg)).toFixed(2)],
  ];
}

function printTable(engines: Engine[], bytes: ReturnType<typeof rec.recordBytes>, epochMs: number): void {
  const [sq, pg] = engines as [Engine, Engine];
  const pct = (v: number[]) => (100 * median(v)) / epochMs;
  const pctRow = (sqv: number[], pgv: number[]): Row => [
    `  as % of a ${(epochMs / 1000).toFixed(2)} s epoch`,
    `${pct(sqv).toFixed(2)} %`,
    `${pct(pgv).toFixed(2)} %`,
    "",
  ];
  const rows: Row[] = [
    ...timedRows("record an improved epoch (+ checkpoint)", sq.improved, pg.improved, bytes.epoch),
    pctRow(sq.improved, pg.improved),
    ...timedRows("record an epoch, not improved", sq.plain, pg.plain, bytes.epoch - bytes.checkpoint),
    pctRow(sq.plain, pg.plain),
    [
      "write the final record, ms (once)",
      sq.finalMs.toFixed(1),
      pg.finalMs.toFixed(1),
      (pg.finalMs / sq.finalMs).toFixed(2),
    ],
    ...timedRows("read an epoch's embeddings", sq.embeddingsRead, pg.embeddingsRead, bytes.embeddings),
    ...timedRows("read the test predictions", sq.predictionsRead, pg.predictionsRead, bytes.predictions),
  ];
  for (const [i, c] of sq.claims.entries()) {
    const p = pg.claims[i]!;
    const w = `${c.workers} claimer${c.workers > 1 ? "s" : ""}`;
    rows.push(
      [
        `claim + finish ${c.jobs} jobs, ${w}: jobs/s`,
        c.jobsPerSecond.toFixed(0),
        p.jobsPerSecond.toFixed(0),
        (p.jobsPerSecond / c.jobsPerSecond).toFixed(2),
      ],
      ["  duplicates / lost", `${c.duplicates} / ${c.lost}`, `${p.duplicates} / ${p.lost}`, ""],
      ["  jobs per claimer", c.shares.join(" "), p.shares.join(" "), ""],
      ["  empty claims while jobs were queued", String(c.emptyWhileQueued), String(p.emptyWhileQueued), ""],
    );
  }
  const head: Row = ["", "SQLite", "PostgreSQL", "PG/SQLite"];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: Row) => r.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join("  ");
  console.log(`\n${line(head)}`);
  for (const r of rows) console.log(line(r));
  const verdict = (v: number[]) => `${pct(v).toFixed(2)} % (${pct(v) < 2 ? "under" : "OVER"} 2 %)`;
  console.log(
    `\nrecording on PostgreSQL: ${verdict(pg.improved)} of the epoch when improved, ${verdict(pg.plain)} when not; ` +
      `SQLite ${verdict(sq.improved)} and ${verdict(sq.plain)}`,
  );
}

runScript("bench:db", main, { stack: true });

// Measures blob writes and reads through Prisma's better-sqlite3 adapter against better-sqlite3 directly.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { openDatabase } from "../../lib/db/client";
import { sqlDate } from "../../lib/db/sql";

const BLOBS = 4;
const BYTES = 4_000_000;

const dir = mkdtempSync(path.join(os.tmpdir(), "bench-blobs-"));
const url = `file:${path.join(dir, "bench.db")}`;
execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "ignore" });
const db = openDatabase(url);
const run = await db.prisma.run.create({
  data: { name: "bench", config: "{}", architecture: "mlp", paramCount: 0, modelSummary: "[]", backend: "none", backendVersion: "", epochsPlanned: 0, trainSize: 0, valSize: 0, testSize: 0 },
});
const blob = new Uint8Array(BYTES).map((_, i) => i % 251);

let t = performance.now();
for (let i = 0; i < BLOBS; i++) {
  await db.prisma.checkpoint.create({ data: { runId: run.id, kind: `prisma${i}`, epoch: 0, modelTopology: "{}", weightSpecs: "[]", weightData: blob } });
}
const prismaWrite = performance.now() - t;
t = performance.now();
const viaPrisma = await db.prisma.checkpoint.findMany({ where: { kind: { startsWith: "prisma" } } });
const prismaRead = performance.now() - t;

t = performance.now();
const insert = db.sqlite.prepare(
  "INSERT INTO Checkpoint (runId, kind, epoch, modelTopology, weightSpecs, weightData, createdAt, updatedAt) VALUES (?, ?, 0, '{}', '[]', ?, ?, ?)",
);
for (let i = 0; i < BLOBS; i++) insert.run(run.id, `direct${i}`, Buffer.from(blob.buffer), sqlDate(), sqlDate());
const directWrite = performance.now() - t;
t = performance.now();
const direct = db.sqlite.prepare("SELECT weightData FROM Checkpoint WHERE kind LIKE 'direct%'").all() as Array<{ weightData: Buffer }>;
const directRead = performance.now() - t;
if (viaPrisma.length !== BLOBS || direct.length !== BLOBS) throw new Error("blob count mismatch");

console.log(`${BLOBS} x ${BYTES / 1e6} MB blobs`);
console.log(`prisma adapter: write ${(prismaWrite / 1000).toFixed(2)} s, read ${(prismaRead / 1000).toFixed(2)} s`);
console.log(`better-sqlite3: write ${(directWrite / 1000).toFixed(2)} s, read ${(directRead / 1000).toFixed(2)} s`);
console.log(`ratio_prisma_vs_direct write=${(prismaWrite / directWrite).toFixed(1)} read=${(prismaRead / directRead).toFixed(1)}`);
await db.close();
rmSync(dir, { recursive: true, force: true });

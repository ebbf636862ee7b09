// Entry point of `npm run bench:ece`: the calibration (15-bin ECE, top-label and classwise) of finished runs' restored
// checkpoints on the test set, read from a copy of a database file so the file itself is never opened or written.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { openDatabase } from "../../lib/db/client";
import { getRun, listSucceededRunIds } from "../../lib/db/runs";
import { fetchRunCalibration } from "../../lib/features/dynamics/calibration";

const USAGE = `usage: npm run bench:ece -- --db FILE [--run ID]
  --db   a mnist-lens SQLite file (copied to a temporary folder and migrated there; the original is only read)
  --run  one run id (default: every succeeded run)`;

const argsSchema = z.object({
  db: z.string().min(1, "give --db FILE"),
  run: z.coerce.number().int().positive().optional(),
});

const pct = (v: number | null) => (v === null ? "n/a" : `${(v * 100).toFixed(2)} %`);

async function main(): Promise<number> {
  const flags = parseScriptFlags("bench:ece", USAGE, { db: { type: "string" }, run: { type: "string" } }, argsSchema);
  if ("exitCode" in flags) return flags.exitCode;
  const source = path.resolve(flags.args.db);
  if (!existsSync(source)) throw new Error(`--db ${source} does not exist`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-ece-"));
  try {
    const copy = path.join(dir, "copy.db");
    copyFileSync(source, copy);
    // A WAL beside the file may hold committed pages not yet in it.
    if (existsSync(`${source}-wal`)) copyFileSync(`${source}-wal`, `${copy}-wal`);
    // The copy is brought to this branch's schema (a database from before it lacks the new columns).
    execFileSync("npx", ["prisma", "migrate", "deploy"], {
      env: { ...process.env, DATABASE_URL: `file:${copy}`, PRISMA_SCHEMA_ENGINE_BINARY: "/nonexistent" },
      stdio: "ignore",
    });
    const db = openDatabase(`file:${copy}`);
    const ids = flags.args.run ? [flags.args.run] : await listSucceededRunIds(db);
    for (const id of ids) {
      const run = await getRun(db, id);
      const calibration = await fetchRunCalibration(db, id);
      if (!run || !calibration?.test) {
        console.log(`run ${id}: no test predictions`);
        continue;
      }
      const t = calibration.test;
      console.log(
        `run ${id} (${run.name}, ${run.architecture}, best epoch ${run.bestEpoch}, test accuracy ${pct(run.testAccuracy)}): ` +
          `ECE ${pct(t.ece)}, classwise ECE ${pct(t.classwiseEce)} over ${t.count} test digits; per class ` +
          t.perClassEce.map((e, c) => `${c}: ${pct(e)}`).join(", "),
      );
      const last = calibration.val.at(-1);
      if (last)
        console.log(
          `  validation after epoch ${last.epoch}: ECE ${pct(last.ece)}, classwise ${pct(last.classwiseEce)}`,
        );
    }
    await db.close();
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runScript("bench:ece", main, { stack: true });

// Entry point of `npm run db:copy`: copy runs (or everything) between two databases, SQLite or PostgreSQL, verified.
import { z } from "zod";
import { parseScriptFlags, runScript } from "../lib/features/cli/flags";
import { copyDatabase, CopyRefusedError, type CopyEvent } from "../lib/features/db-copy/copy-database";

const USAGE = `usage: npm run db:copy -- --from URL --to URL [--runs 1,2]
  --from URL    the database to read: file:./data/mnist-lens.db or postgresql://user:password@host:5432/db
  --to URL      the database to write (migrated first; a missing PostgreSQL database is created); it must not hold
                any of the copied ids yet
  --runs LIST   comma-separated run ids (default: every run, plus the rows of no run: other jobs, label reviews,
                cross-validation results)
Each run is copied in one transaction, then checked against the source: row counts per table and a SHA-256 of every
blob column. Exit 0 when every check agrees, 1 on a mismatch or error, 2 on bad flags.`;

const databaseUrl = z.string().regex(/^(file:|postgres(ql)?:\/\/)/, "must be a file: URL or a postgresql:// URL");

const argsSchema = z.object({
  from: databaseUrl,
  to: databaseUrl,
  runs: z
    .string()
    .regex(/^\d+(,\d+)*$/, "must be comma-separated run ids, e.g. 1,2")
    .transform((text) => [...new Set(text.split(",").map(Number))])
    .optional(),
});

/** The URL without its password, for the log. */
function shown(url: string): string {
  if (url.startsWith("file:")) return url;
  const u = new URL(url);
  return `${u.protocol}//${u.username ? `${u.username}@` : ""}${u.host}${u.pathname}`;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

function print(event: CopyEvent): void {
  if (event.type === "migrated") console.log(`target: ${event.what}`);
  else if (event.type === "skipped") console.log(`run ${event.runId}: skipped, ${event.reason}`);
  else if (event.type === "skipped-tables") console.log(`not copied: ${event.tables.join(", ")} (${event.reason})`);
  else {
    const seconds = event.ms / 1000;
    console.log(
      `${event.label}: ${event.rows} rows, ${mb(event.blobBytes)} MB in ${seconds.toFixed(1)} s` +
        ` (${mb(event.blobBytes / Math.max(seconds, 1e-3))} MB/s)`,
    );
    for (const check of event.checks) {
      const blobs = Object.entries(check.blobs)
        .map(([column, [a, b]]) => ` ${column} ${a.slice(0, 12)}${a === b ? " =" : ` ≠ ${b.slice(0, 12)}`}`)
        .join(";");
      console.log(
        `  ${check.ok ? "ok      " : "MISMATCH"} ${check.table}: ${check.sourceRows} → ${check.targetRows} rows${blobs ? `;${blobs}` : ""}`,
      );
    }
  }
}

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "db:copy",
    USAGE,
    { from: { type: "string" }, to: { type: "string" }, runs: { type: "string" } },
    argsSchema,
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { from, to, runs } = flags.args;
  console.log(`copying ${runs ? `runs ${runs.join(", ")}` : "everything"} from ${shown(from)} to ${shown(to)}`);
  try {
    const summary = await copyDatabase({ from, to, runIds: runs ?? null, onEvent: print });
    if (summary.mismatches.length > 0) {
      console.error(`db:copy: the target differs from the source:\n  ${summary.mismatches.join("\n  ")}`);
      return 1;
    }
    console.log(
      `copied and verified ${summary.copiedRunIds.length} run(s)` +
        (summary.skippedRunIds.length ? `; skipped ${summary.skippedRunIds.join(", ")}` : ""),
    );
    return 0;
  } catch (err) {
    if (err instanceof CopyRefusedError) {
      console.error(`db:copy: nothing copied: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

runScript("db:copy", main);

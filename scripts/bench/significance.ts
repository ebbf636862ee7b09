// Entry point of `npm run bench:significance`: times the paired bootstrap of the accuracy difference on N test digits
// and, given a database and two runs, prints the McNemar test and interval /compare shows for them.
import os from "node:os";
import { z } from "zod";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { openDatabase } from "../../lib/db/client";
import { fetchRunSignificance } from "../../lib/features/compare/significance";
import { bootstrapAccuracyDifference } from "../../lib/numeric/metrics/significance";
import { createRng } from "../../lib/numeric/random";
import { formatPValue, formatPoints } from "../../lib/chart/significance-text";

const USAGE = `usage: npm run bench:significance -- [--digits N] [--resamples R] [--repeats K] [--db FILE --runs A,B]
  --digits     test digits resampled (default 10000; 100..1000000), synthetic runs at ~98 % accuracy
  --resamples  bootstrap resamples (default 2000, the page's)
  --repeats    timed runs, median reported (default 5)
  --db         a SQLite file holding finished runs (opened as given: pass a copy, not a database in use)
  --runs       two run ids in that database: A,B`;

const argsSchema = z
  .object({
    digits: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
    resamples: z.coerce.number().int().min(100).max(1_000_000).default(2000),
    repeats: z.coerce.number().int().min(1).max(50).default(5),
    db: z.string().min(1).optional(),
    runs: z
      .string()
      .regex(/^\d+,\d+$/, "expected two run ids, e.g. 1,2")
      .transform((s) => s.split(",").map(Number) as [number, number])
      .optional(),
  })
  .refine((a) => (a.db === undefined) === (a.runs === undefined), { message: "--db and --runs go together" });

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** Synthetic correctness of two runs on n digits: A right on ~98 %, B disagreeing on ~1.6 % of them. */
function syntheticRuns(n: number): [Uint8Array, Uint8Array] {
  const rng = createRng(1);
  const a = new Uint8Array(n);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = rng() < 0.98 ? 1 : 0;
    b[i] = rng() < 0.016 ? 1 - a[i]! : a[i]!;
  }
  return [a, b];
}

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:significance",
    USAGE,
    {
      digits: { type: "string" },
      resamples: { type: "string" },
      repeats: { type: "string" },
      db: { type: "string" },
      runs: { type: "string" },
    },
    argsSchema,
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { digits, resamples, repeats, db: file, runs } = flags.args;
  console.log(`node ${process.version}, load average ${load()}`);

  const [a, b] = syntheticRuns(digits);
  const walls: number[] = [];
  const cpus: number[] = [];
  let last = bootstrapAccuracyDifference(a, b, { resamples });
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    last = bootstrapAccuracyDifference(a, b, { resamples, seed: r });
    const used = process.cpuUsage(cpu);
    walls.push(performance.now() - started);
    cpus.push((used.user + used.system) / 1000);
  }
  const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!;
  console.log(
    `bootstrap, ${digits} digits × ${resamples} resamples: ${median(walls).toFixed(0)} ms median wall, ` +
      `${median(cpus).toFixed(0)} ms CPU (runs ${walls.map((w) => w.toFixed(0)).join(", ")} ms); ` +
      `interval ${formatPoints(last.low)} to ${formatPoints(last.high)} points`,
  );

  if (file && runs) {
    const db = openDatabase(`file:${file}`);
    try {
      const started = performance.now();
      const [s] = await fetchRunSignificance(db, runs[0], [runs[1]]);
      const ms = performance.now() - started;
      if (!s) console.log(`run ${runs[0]} or ${runs[1]} has no final test predictions`);
      else if (s.kind === "unpaired")
        console.log(`runs ${runs.join(" and ")} cannot be paired: ${s.baseCount} and ${s.otherCount} test digits`);
      else
        console.log(
          `runs #${s.baseId} and #${s.otherId} on ${s.n} test digits: accuracy ${(s.accuracyBase * 100).toFixed(2)} % and ` +
            `${(s.accuracyOther * 100).toFixed(2)} %; b = ${s.mcnemar.b}, c = ${s.mcnemar.c}, ${s.mcnemar.test}, ` +
            `p = ${formatPValue(s.mcnemar.logPValue)}; difference ${formatPoints(s.interval.difference)} points, ` +
            `95 % interval ${formatPoints(s.interval.low)} to ${formatPoints(s.interval.high)} (${ms.toFixed(0)} ms in all)`,
        );
    } finally {
      await db.close();
    }
  }
  console.log(`load average after: ${load()}`);
  return 0;
}

runScript("bench:significance", main, { stack: true });

// Entry point of `npm run project`: compute a run's missing PCA and t-SNE projections, printing progress.
import { z } from "zod";
import { readEnv } from "../lib/env";
import { parseScriptFlags, runScript } from "../lib/features/cli/flags";
import { abortOnSignals, selectRunIds } from "../lib/features/cli/per-run";
import { openDatabase } from "../lib/db/client";
import { projectRun } from "../lib/features/projection/project-run";

const USAGE = `usage: npm run project -- --run ID [--iterations N] [--warm-iterations N]
  --run ID               the run to project (or --all for every succeeded run)
  --iterations N         t-SNE iterations from a PCA start, 50..5000 (default 1000)
  --warm-iterations N    iterations for an epoch started from the previous epoch's layout, 10..5000 (default 400)`;

const argsSchema = z
  .object({
    run: z.coerce.number().int().positive().optional(),
    all: z.boolean().default(false),
    iterations: z.coerce.number().int().min(50).max(5000).default(1000),
    "warm-iterations": z.coerce.number().int().min(10).max(5000).default(400),
  })
  .refine((a) => a.run !== undefined || a.all, { message: "give --run ID or --all" });

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "project",
    USAGE,
    {
      run: { type: "string" },
      all: { type: "boolean" },
      iterations: { type: "string" },
      "warm-iterations": { type: "string" },
    },
    argsSchema,
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { args } = flags;
  const db = openDatabase(readEnv().DATABASE_URL);
  const controller = abortOnSignals();
  try {
    for (const runId of await selectRunIds(db, args)) {
      const started = performance.now();
      const { computed, total } = await projectRun(db, runId, {
        iterations: args.iterations,
        warmIterations: args["warm-iterations"],
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === "plan") console.log(`run ${runId}: ${e.missing} of ${e.total} projections to compute`);
          else
            console.log(
              `[${e.index}/${e.total}] ${e.key} ${e.method}: ${e.seconds.toFixed(1)} s, kNN accuracy ${e.knnAccuracy.toFixed(3)}, ` +
                `trustworthiness ${e.trustworthiness.toFixed(3)}${e.kl !== undefined ? `, KL ${e.kl.toFixed(3)}` : ""}`,
            );
        },
      });
      console.log(
        `run ${runId}: ${computed} computed (${total} in all) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    return controller.signal.aborted ? 130 : 0;
  } finally {
    await db.close();
  }
}

runScript("project", main);

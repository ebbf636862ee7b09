// Entry point of `npm run pairs`: store a run's missing pair separation scores (all 45 pairs, every probe layer × epoch).
import { z } from "zod";
import { readEnv } from "../lib/env";
import { parseScriptFlags, runScript } from "../lib/features/cli/flags";
import { abortOnSignals, selectRunIds } from "../lib/features/cli/per-run";
import { openDatabase } from "../lib/db/client";
import { precomputeRunSeparations } from "../lib/features/pairs/precompute";

const USAGE = `usage: npm run pairs -- --run ID
  --run ID    the run whose pair figures to compute (or --all for every succeeded run); what is stored is skipped`;

const argsSchema = z
  .object({
    run: z.coerce.number().int().positive().optional(),
    all: z.boolean().default(false),
  })
  .refine((a) => a.run !== undefined || a.all, { message: "give --run ID or --all" });

async function main(): Promise<number> {
  const flags = parseScriptFlags("pairs", USAGE, { run: { type: "string" }, all: { type: "boolean" } }, argsSchema);
  if ("exitCode" in flags) return flags.exitCode;
  const { args } = flags;
  const db = openDatabase(readEnv().DATABASE_URL);
  const controller = abortOnSignals();
  try {
    for (const runId of await selectRunIds(db, args)) {
      const { computed, total, ms } = await precomputeRunSeparations(db, runId, {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === "plan")
            console.log(`run ${runId}: ${e.missing} of ${e.total} layer × epoch sources to compute (45 pairs each)`);
          else
            console.log(
              `[${e.index}/${e.missing}] ${e.layerName}${e.layerIndex >= 0 ? ` epoch ${e.epoch}` : ""}: ${(e.ms / 1000).toFixed(2)} s`,
            );
        },
      });
      console.log(`run ${runId}: ${computed} computed (${total} in all) in ${(ms / 1000).toFixed(1)} s`);
    }
    return controller.signal.aborted ? 130 : 0;
  } finally {
    await db.close();
  }
}

runScript("pairs", main);

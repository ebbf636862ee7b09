// Entry point of `npm run project`: compute a run's missing layouts (PCA, t-SNE, UMAP) and pair figures, printing
// progress; with --follow, each epoch of a training run as soon as it is recorded (the job worker runs it so).
import { z } from "zod";
import { readEnv } from "../lib/env";
import { parseScriptFlags, runScript } from "../lib/features/cli/flags";
import { abortOnSignals, selectRunIds } from "../lib/features/cli/per-run";
import { openDatabase } from "../lib/db/client";
import {
  defaultThreads,
  PROBE_ITERATIONS,
  projectRun,
  WARM_ITERATIONS,
  type ProjectEvent,
} from "../lib/features/projection/project-run";
import { createTimings, formatTimings } from "../lib/features/projection/timings";

const USAGE = `usage: npm run project -- --run ID [--follow] [--threads N] [--iterations N] [--probe-iterations N]
                          [--warm-iterations N]
  --run ID               the run to project (or --all for every succeeded run); what is stored is skipped
  --follow               while the run trains, project each epoch as soon as it is recorded (one thread), then the
                         final test views and the UMAP layouts once it has finished (--threads); stops on SIGTERM
  --threads N            threads once the run is not training, 1..64 (default ${defaultThreads()})
  --iterations N         t-SNE iterations of the final test views (from a PCA start), 50..5000 (default 1000)
  --probe-iterations N   t-SNE iterations of a probe layer's first epoch and the probe pixels (from a PCA start),
                         50..5000 (default ${PROBE_ITERATIONS}, at most --iterations)
  --warm-iterations N    iterations for an epoch started from the previous epoch's layout, 10..5000 (default ${WARM_ITERATIONS})
  --no-pairs             skip the pair figures (npm run pairs stores them alone)
  --no-layouts           skip the layouts (store only the pair figures)
  --no-umap              skip the UMAP layouts`;

const argsSchema = z
  .object({
    run: z.coerce.number().int().positive().optional(),
    all: z.boolean().default(false),
    follow: z.boolean().default(false),
    threads: z.coerce.number().int().min(1).max(64).default(defaultThreads()),
    iterations: z.coerce.number().int().min(50).max(5000).default(1000),
    "probe-iterations": z.coerce.number().int().min(50).max(5000).optional(),
    "warm-iterations": z.coerce.number().int().min(10).max(5000).default(WARM_ITERATIONS),
    "no-pairs": z.boolean().default(false),
    "no-layouts": z.boolean().default(false),
    "no-umap": z.boolean().default(false),
  })
  .refine((a) => a.run !== undefined || a.all, { message: "give --run ID or --all" })
  .refine((a) => !(a.follow && a.all), { message: "--follow takes one --run ID" });

const fixed = (seconds: number) => seconds.toFixed(1);

function describeEvent(e: ProjectEvent): string {
  switch (e.type) {
    case "phase":
      return {
        epochs: `projecting each recorded epoch (${e.threads} thread${e.threads === 1 ? "" : "s"})`,
        final: `projecting the final test views (${e.threads} threads)`,
        umap: `UMAP layouts (${e.threads} threads)`,
      }[e.phase];
    case "layout":
      return (
        `${e.key} ${e.method}: ${e.seconds.toFixed(2)} s, kNN accuracy ${e.knnAccuracy.toFixed(3)}, ` +
        `trustworthiness ${e.trustworthiness.toFixed(3)}${e.kl !== undefined ? `, KL ${e.kl.toFixed(3)}` : ""}` +
        `${e.algorithm ? ` (${e.algorithm}${e.neighbours ? `, ${e.neighbours} kNN` : ""})` : ""}`
      );
    case "pairs":
      return `${e.key} pair figures: ${e.seconds.toFixed(2)} s`;
    case "epoch":
      return (
        `${e.epoch === 0 ? "pixels" : `epoch ${e.epoch}`}: ${e.layouts} layouts and ${e.pairs} pair figure sources in ` +
        `${e.seconds.toFixed(1)} s${e.lagSeconds !== null ? `, stored ${fixed(e.lagSeconds)} s after the epoch was recorded` : ""}`
      );
  }
}

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "project",
    USAGE,
    {
      run: { type: "string" },
      all: { type: "boolean" },
      follow: { type: "boolean" },
      threads: { type: "string" },
      iterations: { type: "string" },
      "probe-iterations": { type: "string" },
      "warm-iterations": { type: "string" },
      "no-pairs": { type: "boolean" },
      "no-layouts": { type: "boolean" },
      "no-umap": { type: "boolean" },
    },
    argsSchema,
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { args } = flags;
  const db = openDatabase(readEnv().DATABASE_URL);
  const controller = abortOnSignals();
  const methods = args["no-layouts"] ? [] : args["no-umap"] ? (["pca", "tsne"] as const) : undefined;
  try {
    for (const runId of await selectRunIds(db, args)) {
      const started = performance.now();
      const timings = createTimings();
      const { computed, pairs, total } = await projectRun(db, runId, {
        follow: args.follow,
        threads: args.threads,
        iterations: args.iterations,
        probeIterations: args["probe-iterations"],
        warmIterations: args["warm-iterations"],
        pairs: !args["no-pairs"],
        ...(methods ? { methods } : {}),
        timings,
        signal: controller.signal,
        onEvent: (e) => {
          console.log(`run ${runId}: ${describeEvent(e)}`);
          if (e.type === "epoch" && e.behind)
            console.warn(
              `run ${runId}: falling behind: epoch ${e.epoch + 1} was recorded before epoch ${e.epoch}'s layouts and pair figures were stored`,
            );
        },
      });
      console.log(
        `run ${runId}: ${computed} layouts and ${pairs} pair figure sources computed (${total} layouts in all) in ` +
          `${fixed((performance.now() - started) / 1000)} s (${formatTimings(timings)})`,
      );
    }
    return controller.signal.aborted ? 130 : 0;
  } finally {
    await db.close();
  }
}

runScript("project", main);

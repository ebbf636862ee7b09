// Entry point of `npm run bench:live-epochs`: the live follower's work for each epoch of a finished run (PCA, t-SNE
// warm-started epoch to epoch, quality figures, pair figures), on one thread as while training, nothing stored.
import { z } from "zod";
import { readEnv } from "../../lib/env";
import { openDatabase } from "../../lib/db/client";
import { listEmbeddingShapes } from "../../lib/db/embeddings";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import {
  computePcaLayout,
  computeTsneLayout,
  PROBE_RATE_FACTOR,
  reduceInput,
  scoreLayouts,
  type LayoutContext,
  type LayoutSettings,
} from "../../lib/features/projection/layout";
import { PROBE_ITERATIONS, WARM_ITERATIONS } from "../../lib/features/projection/project-run";
import { loadSourceMatrix, probeDigits } from "../../lib/features/projection/sources";
import { createTimings, formatTimings } from "../../lib/features/projection/timings";
import { allPairSeparations, SEPARATION_K } from "../../lib/numeric/pairs/separation";
import { knnAccuracy } from "../../lib/numeric/tsne/quality";

const USAGE = `usage: npm run bench:live-epochs -- --run ID [--epochs N] [--probe-iterations N] [--warm-iterations N]
                                        [--rate-factor F] [--no-pairs]
  --run ID               a finished run in DATABASE_URL with probe embeddings (read only)
  --epochs N             the first N epochs (default all)
  --probe-iterations N   t-SNE iterations of each layer's first epoch, from a PCA start (default ${PROBE_ITERATIONS})
  --warm-iterations N    t-SNE iterations from the previous epoch's layout (default ${WARM_ITERATIONS})
  --rate-factor F        factor on the 'auto' learning rate (default ${PROBE_RATE_FACTOR})
  --no-pairs             leave out the pair figures
Before 2026-12-02 the follower ran --probe-iterations 1000 --warm-iterations 400 --rate-factor 1 (and two PCAs and
three quality passes per layer, which this replays no longer).`;

const argsSchema = z.object({
  run: z.coerce.number().int().positive(),
  epochs: z.coerce.number().int().positive().optional(),
  "probe-iterations": z.coerce.number().int().min(50).max(5000).default(PROBE_ITERATIONS),
  "warm-iterations": z.coerce.number().int().min(10).max(5000).default(WARM_ITERATIONS),
  "rate-factor": z.coerce.number().positive().max(10).default(PROBE_RATE_FACTOR),
  "no-pairs": z.boolean().default(false),
});

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:live-epochs",
    USAGE,
    {
      run: { type: "string" },
      epochs: { type: "string" },
      "probe-iterations": { type: "string" },
      "warm-iterations": { type: "string" },
      "rate-factor": { type: "string" },
      "no-pairs": { type: "boolean" },
    },
    argsSchema,
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { args } = flags;
  const db = openDatabase(readEnv().DATABASE_URL);
  try {
    const shapes = (await listEmbeddingShapes(db, args.run)).filter((s) => s.subset === "probe");
    if (shapes.length === 0) {
      console.error(`bench:live-epochs: run ${args.run} has no probe embeddings in ${db.url}\n\n${USAGE}`);
      return 2;
    }
    const last = Math.min(args.epochs ?? Infinity, Math.max(...shapes.map((s) => s.epoch)));
    const { labels } = await probeDigits(db, args.run);
    const settings: LayoutSettings = {
      iterations: args["probe-iterations"],
      probeIterations: args["probe-iterations"],
      probeRateFactor: args["rate-factor"],
      warmIterations: args["warm-iterations"],
      snapshots: new Set(),
      perplexity: 30,
      k: 10,
      umapNeighbours: 15,
    };
    console.log(
      `run ${args.run}, epochs 1..${last}, one thread: t-SNE ${settings.probeIterations} iterations cold, ` +
        `${settings.warmIterations} warm, learning rate × ${settings.probeRateFactor}`,
    );
    const previous = new Map<number, Float32Array>();
    const totals = { cpu: [] as number[], kl: 0, acc: 0, layouts: 0 };
    for (let epoch = 1; epoch <= last; epoch++) {
      const ctx: LayoutContext = { threads: 1, timings: createTimings() };
      const layers: string[] = [];
      let cpu = 0;
      let wallMs = 0;
      for (const shape of shapes.filter((s) => s.epoch === epoch)) {
        const source = { ...shape, subset: "probe" as const };
        const matrix = await loadSourceMatrix(db, args.run, source);
        const since = process.cpuUsage();
        const started = performance.now();
        const input = reduceInput(matrix, ctx);
        const pca = computePcaLayout(input);
        const result = await computeTsneLayout(input, settings, ctx, previous.get(shape.layerIndex) ?? null, true);
        if (!result) throw new Error("the t-SNE stopped");
        scoreLayouts(matrix, labels, [pca, result.layout], settings.k, ctx);
        if (!args["no-pairs"]) {
          const pairsStarted = performance.now();
          allPairSeparations(new Float64Array(matrix.data), matrix.rows, matrix.cols, labels, SEPARATION_K);
          ctx.timings.pairs += performance.now() - pairsStarted;
        }
        cpu += cpuSeconds(since);
        wallMs += performance.now() - started;
        const coords = result.layout.coords;
        previous.set(shape.layerIndex, coords);
        // The layout's own kNN accuracy (not stored by the follower), to judge the shorter fits.
        const acc = knnAccuracy(coords, matrix.rows, 2, labels, settings.k, { threads: 1 });
        const kl = result.layout.klDivergence!;
        totals.kl += kl;
        totals.acc += acc;
        totals.layouts++;
        layers.push(`layer ${shape.layerIndex} KL ${kl.toFixed(4)} acc ${acc.toFixed(4)}`);
      }
      totals.cpu.push(cpu);
      console.log(
        `epoch ${String(epoch).padStart(2)}: ${cpu.toFixed(2)} s CPU, ${(wallMs / 1000).toFixed(2)} s wall ` +
          `(${formatTimings(ctx.timings)}); ${layers.join(", ")}`,
      );
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `epoch_cpu_seconds_first=${totals.cpu[0]!.toFixed(2)} epoch_cpu_seconds_rest_mean=` +
        `${(totals.cpu.length > 1 ? mean(totals.cpu.slice(1)) : Number.NaN).toFixed(2)} ` +
        `kl_mean=${(totals.kl / totals.layouts).toFixed(4)} knn_acc_mean=${(totals.acc / totals.layouts).toFixed(4)}`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

runScript("bench:live-epochs", main);

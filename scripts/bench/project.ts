// Entry point of `npm run bench:project`: every layout and pair figure of a real run from scratch (PCA, t-SNE and pair
// figures, then UMAP timed on its own line), in a scratch copy of the run without its layouts; prints where time goes.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { readEnv } from "../../lib/env";
import { openDatabase } from "../../lib/db/client";
import { listEmbeddingShapes } from "../../lib/db/embeddings";
import { copyRunRecord } from "../../lib/db/run-copy";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { abortOnSignals } from "../../lib/features/cli/per-run";
import { defaultThreads, projectRun } from "../../lib/features/projection/project-run";
import { createTimings, type PhaseTimings } from "../../lib/features/projection/timings";

const USAGE = `usage: npm run bench:project -- --run ID [--threads N]
  --run ID      a finished run in DATABASE_URL, copied (without its layouts and pair figures) into a scratch database;
                a seed-sized run (3 hidden layers × 16 epochs × 2,000 probe digits, 10,000 test digits) is what
                \`npm run up\` trains first (or \`npm run train\` alone, about 3 minutes)
  --threads N   threads once the run is not training, 1..64 (default ${defaultThreads()})`;

const argsSchema = z.object({
  run: z.coerce.number().int().positive(),
  threads: z.coerce.number().int().min(1).max(64).default(defaultThreads()),
});

const seconds = (ms: number) => (ms / 1000).toFixed(1);

const PHASE_NAMES: Record<string, string> = { epochs: "probe epochs", final: "final test views" };

/** The lines of a breakdown: phase, seconds, share of `totalMs`. */
function breakdown(t: PhaseTimings, totalMs: number): string[] {
  const rows: Array<[string, number]> = [
    ["reading embeddings", t.read],
    ["PCA layouts", t.pca],
    ["t-SNE set-up: PCA to 50, kNN, affinities", t.prepare],
    ["t-SNE optimisation", t.optimise],
    ["quality figures", t.quality],
    ["pair figures", t.pairs],
    ["UMAP", t.umap],
    ["DB writes", t.write],
  ];
  const other = totalMs - rows.reduce((sum, [, ms]) => sum + ms, 0);
  return [...rows, ["other (queries, loading labels)", other] as [string, number]]
    .filter(([, ms]) => ms > 0)
    .map(([what, ms]) => `  ${what.padEnd(44)} ${seconds(ms).padStart(7)} s  ${((100 * ms) / totalMs).toFixed(0)} %`);
}

function minus(a: PhaseTimings, b: PhaseTimings): PhaseTimings {
  const out = { ...a };
  for (const key of Object.keys(out) as Array<keyof PhaseTimings>) out[key] -= b[key];
  return out;
}

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:project",
    USAGE,
    { run: { type: "string" }, threads: { type: "string" } },
    argsSchema,
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { run: runId, threads } = flags.args;
  const source = openDatabase(readEnv().DATABASE_URL);
  // Ctrl-C stops between layouts and still removes the scratch database.
  const controller = abortOnSignals();
  const dir = mkdtempSync(path.join(os.tmpdir(), "mnist-lens-bench-project-"));
  const url = `file:${path.join(dir, "bench.db")}`;
  try {
    const shapes = (await listEmbeddingShapes(source, runId)).filter((s) => s.subset === "probe");
    if (shapes.length === 0) {
      console.error(`bench:project: run ${runId} has no probe embeddings in ${source.url}\n\n${USAGE}`);
      return 2;
    }
    const layers = new Set(shapes.map((s) => s.layerIndex)).size;
    const epochs = new Set(shapes.map((s) => s.epoch)).size;
    console.log(`run ${runId}: ${layers} probe layers × ${epochs} epochs × ${shapes[0]!.rows} probe digits`);
    execFileSync("npx", ["prisma", "migrate", "deploy"], {
      env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: "pipe",
    });
    const db = openDatabase(url);
    try {
      await copyRunRecord(source, db, runId);
      const timings = createTimings();
      // Each stage's start: its wall time and the phase timings so far.
      const phases: Array<{ phase: string; at: number; timings: PhaseTimings }> = [];
      const started = performance.now();
      const result = await projectRun(db, runId, {
        threads,
        signal: controller.signal,
        timings,
        onEvent: (e) => {
          if (e.type === "phase")
            phases.push({ phase: e.phase, at: performance.now() - started, timings: { ...timings } });
        },
      });
      if (controller.signal.aborted) return 130;
      const totalMs = performance.now() - started;
      const umapStart = phases.find((p) => p.phase === "umap");
      const projectMs = umapStart?.at ?? totalMs;
      const before = umapStart?.timings ?? timings;
      console.log(
        `${result.computed} layouts (${result.total} in all) and ${result.pairs} pair figure sources, ${threads} threads`,
      );
      console.log(`PCA, t-SNE and pair figures: ${seconds(projectMs)} s`);
      // Wall time of each stage: the probe epochs, the final test views (then UMAP's, below).
      phases.forEach(({ phase, at, timings: from }, i) => {
        if (phase === "umap") return;
        const next = phases[i + 1];
        const ms = (next?.at ?? totalMs) - at;
        console.log(`  stage: ${PHASE_NAMES[phase] ?? phase} ${seconds(ms)} s`);
        for (const line of breakdown(minus(next?.timings ?? timings, from), ms)) console.log(`  ${line}`);
      });
      console.log(`  phases summed over the threads that ran them (${threads} at once):`);
      for (const line of breakdown(before, projectMs)) console.log(line);
      const umapMs = totalMs - projectMs;
      console.log(`UMAP layouts: ${seconds(umapMs)} s`);
      for (const line of breakdown(minus(timings, before), umapMs)) console.log(line);
      console.log(`umap_seconds=${seconds(umapMs)}`);
      console.log(`project_seconds=${seconds(projectMs)}`);
      return 0;
    } finally {
      await db.close();
    }
  } finally {
    await source.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runScript("bench:project", main);

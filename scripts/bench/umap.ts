// Entry point of `npm run bench:umap`: our UMAP on N rows (MNIST test digits, or a run's last-hidden-layer
// embedding), then the umap-learn peer on the same rows; prints seconds, a stage breakdown and 10-NN accuracy of both.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { loadBenchRows } from "./bench-rows";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { mnistDir } from "../../lib/mnist/dataset";
import { umap, type UmapResult } from "../../lib/numeric/umap";
import { knnAccuracy } from "../../lib/numeric/tsne/quality";
import type { Matrix } from "../../lib/numeric/tsne/matrix";

const USAGE = `usage: npm run bench:umap -- [--n ROWS] [--run ID] [--runs R] [--threads T] [--skip-peer]
  --n          first N rows (default 10000; 100..70000 for pixels: the test set, then the training set)
  --run        UMAP of run ID's stored last-hidden-layer embedding of the test digits (from DATABASE_URL) instead
               of pixels; the peer reads the same float32 rows from a file
  --runs       timed fits of each side, median reported (default 1; ours runs no warm-up fit, the peer one)
  --threads    passed to umap() (for its kNN; today's exact kNN runs on one thread) and to the peer (numba threads,
               n_jobs); default: each side's own (the peer uses every core)
  --skip-peer  do not run the umap-learn peer`;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PEER_SCRIPT = process.env.PEER_SCRIPT ?? path.resolve(REPO_ROOT, "scripts/bench/peers/umap_learn.py");
const PYTHON = "/usr/bin/python3";
const UMAP_LEARN_INSTALL = "apt-get update && apt-get install -y umap-learn";
/** The neighbour count of the quality figure, as knnAccuracy is used beside every stored layout. */
const ACCURACY_K = 10;

const argsSchema = z.object({
  n: z.coerce.number().int().min(100).max(70_000).default(10_000),
  run: z.coerce.number().int().positive().optional(),
  runs: z.coerce.number().int().min(1).max(20).default(1),
  threads: z.coerce.number().int().min(1).max(64).optional(),
  skipPeer: z.boolean().default(false),
});

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[(sorted.length - 1) >> 1]!;
}

/** `runs` fits from the input (PCA, kNN, graph, init, SGD all timed), no warm-up; the median fit's breakdown. */
function benchOurs(input: Matrix, runs: number, threads: number | undefined): { seconds: number; result: UmapResult } {
  const fits: { seconds: number; result: UmapResult }[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const result = umap(input, { seed: 0, threads });
    fits.push({ seconds: (performance.now() - start) / 1000, result });
  }
  const seconds = median(fits.map((f) => f.seconds));
  return fits.find((f) => f.seconds === seconds)!;
}

type PeerResult = { seconds: number; coords: Float32Array; line: string } | { missing: string };

function benchPeer(input: Matrix, runs: number, threads: number | undefined): PeerResult {
  if (!existsSync(PYTHON)) return { missing: `${PYTHON} not found` };
  if (!existsSync(PEER_SCRIPT)) return { missing: `peer script ${PEER_SCRIPT} not found (set PEER_SCRIPT)` };
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-umap-"));
  try {
    const file = path.join(dir, "input.f32");
    const out = path.join(dir, "layout.f32");
    writeFileSync(file, Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength));
    const extra = [...(threads ? ["--threads", String(threads)] : []), "--runs", String(runs)];
    const run = spawnSync(
      PYTHON,
      [PEER_SCRIPT, mnistDir(), String(input.rows), out, file, String(input.cols), ...extra],
      { encoding: "utf8" },
    );
    const match = /seconds=(\d+(?:\.\d+)?)\s*$/.exec(run.stdout?.trim() ?? "");
    if (run.status !== 0 || !match || !existsSync(out)) {
      const why = (run.stderr || run.stdout || String(run.error ?? "")).trim().split("\n").pop() ?? "";
      return {
        missing: why.includes("No module named") ? `umap-learn is not installed (${why})` : `peer failed: ${why}`,
      };
    }
    const bytes = readFileSync(out);
    const coords = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
    return { seconds: Number(match[1]), coords, line: run.stdout.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:umap",
    USAGE,
    {
      n: { type: "string" },
      run: { type: "string" },
      runs: { type: "string" },
      threads: { type: "string" },
      "skip-peer": { type: "boolean" },
    },
    argsSchema,
    (v) => ({ n: v.n, run: v.run, runs: v.runs, threads: v.threads, skipPeer: v["skip-peer"] }),
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { args } = flags;

  const input = await loadBenchRows(args.n, args.run);
  console.log(`input=${input.what} rows=${input.rows} cols=${input.cols}`);
  console.log(
    `nNeighbors=15 minDist=0.1 epochs=auto init=pca seed=0 pca=${input.cols > 50 ? 50 : "none"} ` +
      `threads=${args.threads ?? "default"} cores=${os.cpus().length}`,
  );
  console.log(`load_average_1m_before=${os.loadavg()[0]!.toFixed(2)}`);
  const ours = benchOurs(input, args.runs, args.threads);
  const t = ours.result.timingsMs;
  const accOurs = knnAccuracy(ours.result.coords, input.rows, 2, input.labels, ACCURACY_K);
  console.log(
    `ours: umap n=${input.rows} seconds=${ours.seconds.toFixed(1)} (no warm-up; median of ${args.runs}) ` +
      `epochs=${ours.result.epochs} edges=${ours.result.edges} knn_acc=${accOurs.toFixed(4)}`,
  );
  console.log(
    `ours breakdown: pca=${sec(t.pca)} knn=${sec(t.knn)} fuzzy_graph=${sec(t.graph)} init=${sec(t.init)} ` +
      `sgd=${sec(t.sgd)} (seconds; exact kNN, everything on one thread)`,
  );

  const peer: PeerResult = args.skipPeer
    ? { missing: "skipped (--skip-peer)" }
    : benchPeer(input, args.runs, args.threads);
  console.log(`load_average_1m_after=${os.loadavg()[0]!.toFixed(2)}`);
  if ("missing" in peer) {
    console.log(`umap-learn peer: ${peer.missing}`);
    if (peer.missing.startsWith("umap-learn") || peer.missing.includes(PYTHON))
      console.log(`install it with: ${UMAP_LEARN_INSTALL}`);
    console.log(`ratio_vs_umap_learn=n/a knn_acc_ours=${accOurs.toFixed(4)} knn_acc_peer=n/a`);
    return 0;
  }
  const accPeer = knnAccuracy(peer.coords, input.rows, 2, input.labels, ACCURACY_K);
  console.log(`umap-learn: ${peer.line} knn_acc=${accPeer.toFixed(4)} (timed after one warm-up fit)`);
  console.log(
    `ratio_vs_umap_learn=${(ours.seconds / peer.seconds).toFixed(2)} knn_acc_ours=${accOurs.toFixed(4)} ` +
      `knn_acc_peer=${accPeer.toFixed(4)}`,
  );
  return 0;
}

function sec(ms: number): string {
  return (ms / 1000).toFixed(2);
}

runScript("bench:umap", main, { stack: true });

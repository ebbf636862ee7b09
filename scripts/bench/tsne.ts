// Entry point of `npm run bench:tsne`: our t-SNE on the first N MNIST digits (or a run's embeddings), a breakdown of
// where its time went, then the scikit-learn peer on the same rows; prints seconds and KL for each, the ratio last.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { loadBenchRows } from "./bench-rows";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { mnistDir } from "../../lib/mnist/dataset";
import { createTsne, type Tsne } from "../../lib/numeric/tsne/tsne";
import type { Matrix } from "../../lib/numeric/tsne/matrix";
import { TSNE_DEFAULTS } from "../../lib/numeric/tsne/options";
import { pca } from "../../lib/numeric/tsne/pca";
import { queryKnn } from "../../lib/numeric/tsne/knn";
import { resolveThreads } from "../../lib/numeric/parallel";

const USAGE = `usage: npm run bench:tsne -- [--n DIGITS] [--run ID] [--iterations N] [--theta T] [--threads N] [--repulsion M]
                                      [--neighbours M] [--skip-peer | --peer]
  --n           first N digits (default 10000; 100..70000): the test set, then the training set past 10,000
                (70000 is all of MNIST)
  --run         project run ID's last-hidden-layer embedding of the test digits (from DATABASE_URL) instead of pixels;
                the peer reads the same float32 rows from a file
  --iterations  gradient-descent iterations for ours (default 1000, as the peer)
  --theta       Barnes–Hut's θ for ours, 0..1 (default ${TSNE_DEFAULTS.theta}; the peer keeps its 0.5, whose per-point test is
                coarser than ours at 0.6: see TsneOptions.theta)
  --threads     threads for ours (default min(2, cores)); the peer always uses 2
  --repulsion   auto (default), fft or barnes-hut
  --neighbours  auto (default), exact or approximate
  --skip-peer   do not run the scikit-learn peer
  --peer        run the peer above 10,000 rows too (skipped there by default: it takes many minutes)`;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// ../shared beside the checkout (main), or two levels up from a worktree in /work/wt/<name>.
const PEER_SCRIPT =
  process.env.PEER_SCRIPT ??
  ["../shared/peers/sklearn_tsne.py", "../../shared/peers/sklearn_tsne.py"]
    .map((p) => path.resolve(REPO_ROOT, p))
    .find((p) => existsSync(p)) ??
  path.resolve(REPO_ROOT, "../shared/peers/sklearn_tsne.py");
const PYTHON = "/usr/bin/python3";
const SKLEARN_INSTALL = "apt-get update && apt-get install -y python3-sklearn python3-numpy";

const argsSchema = z.object({
  n: z.coerce.number().int().min(100).max(70_000).default(10_000),
  iterations: z.coerce.number().int().min(1).max(100_000).default(1000),
  theta: z.coerce.number().min(0).max(1).default(TSNE_DEFAULTS.theta),
  threads: z.coerce.number().int().min(1).max(64).optional(),
  repulsion: z.enum(["auto", "fft", "barnes-hut"]).default("auto"),
  neighbours: z.enum(["auto", "exact", "approximate"]).default("auto"),
  skipPeer: z.boolean().default(false),
  peer: z.boolean().default(false),
  run: z.coerce.number().int().positive().optional(),
});
type Args = z.infer<typeof argsSchema>;

/** Peer runs above this many rows only with --peer. */
const PEER_DEFAULT_MAX_ROWS = 10_000;
/** Points whose approximate neighbours are checked against the exact ones. */
const RECALL_SAMPLE = 1000;

interface OursResult {
  seconds: number;
  pcaSeconds: number;
  kl: number;
  tsne: Tsne;
  reduced: Matrix;
}

/** PCA 50 → kNN → P → `iterations` steps, timed from the input (as the peer times). */
function benchOurs(input: Matrix, args: Args): OursResult {
  const threads = resolveThreads(args.threads);
  const start = performance.now();
  // PCA here rather than inside createTsne, so the recall check below can reuse the reduced rows.
  const reduced = input.cols > 50 ? pca(input, 50, { threads }).projected : input;
  const pcaSeconds = (performance.now() - start) / 1000;
  const tsne = createTsne(reduced, {
    perplexity: 30,
    iterations: args.iterations,
    theta: args.theta,
    init: "pca",
    threads,
    repulsion: args.repulsion,
    neighbours: args.neighbours,
  });
  tsne.fit();
  const seconds = (performance.now() - start) / 1000;
  return { seconds, pcaSeconds, kl: tsne.klDivergence(), tsne, reduced };
}

/** Lines saying where our time went; with approximate neighbours, their recall against exact ones on a sample. */
function breakdown(ours: OursResult): string[] {
  const { tsne } = ours;
  const t = tsne.timings;
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const optimisation = t.repulsionMs + t.attractionMs + t.updateMs;
  const lines = [
    `breakdown: pca=${ours.pcaSeconds.toFixed(1)}s knn=${s(t.knnMs)}s (${tsne.neighbours}) ` +
      `affinities=${s(t.affinitiesMs)}s init=${s(t.initMs)}s optimisation=${s(optimisation)}s ` +
      `(repulsion=${s(t.repulsionMs)}s ${tsne.repulsion}, attraction=${s(t.attractionMs)}s, update=${s(t.updateMs)}s) ` +
      `threads=${tsne.options.threads}`,
  ];
  if (tsne.neighbours === "approximate") {
    const n = ours.reduced.rows;
    const count = Math.min(RECALL_SAMPLE, n);
    // Evenly spaced rows: a fixed sample across the test and training digits.
    const sample = Int32Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
    const k = tsne.knn.k;
    const exact = queryKnn(ours.reduced, sample, k);
    let found = 0;
    for (let q = 0; q < count; q++) {
      const approx = new Set(tsne.knn.indices.subarray(sample[q]! * k, sample[q]! * k + k));
      for (let t2 = 0; t2 < k; t2++) if (approx.has(exact.indices[q * k + t2]!)) found++;
    }
    lines.push(`approximate_knn_recall=${(found / (count * k)).toFixed(4)} (k=${k}, ${count} sampled rows vs exact)`);
  }
  return lines;
}

type PeerResult = { seconds: number; kl: number; line: string } | { missing: string };

/** `fromFile`: the peer reads the input rows from a float32 file (embeddings, or more digits than its test-set loader holds). */
function benchPeer(input: Matrix, fromFile: boolean): PeerResult {
  if (!existsSync(PYTHON)) return { missing: `${PYTHON} not found` };
  if (!existsSync(PEER_SCRIPT)) return { missing: `peer script ${PEER_SCRIPT} not found (set PEER_SCRIPT)` };
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-tsne-"));
  const file = path.join(dir, "input.f32");
  if (fromFile) writeFileSync(file, Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength));
  const extra = fromFile ? [file, String(input.cols)] : [];
  const run = spawnSync(PYTHON, [PEER_SCRIPT, mnistDir(), String(input.rows), ...extra], { encoding: "utf8" });
  rmSync(dir, { recursive: true, force: true });
  const match = /seconds=(\d+(?:\.\d+)?) kl=(\d+(?:\.\d+)?)/.exec(run.stdout ?? "");
  if (run.status !== 0 || !match) {
    const why = (run.stderr || run.stdout || String(run.error ?? "")).trim().split("\n").pop() ?? "";
    return {
      missing: why.includes("No module named") ? `scikit-learn is not installed (${why})` : `peer failed: ${why}`,
    };
  }
  return { seconds: Number(match[1]), kl: Number(match[2]), line: run.stdout.trim() };
}

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:tsne",
    USAGE,
    {
      n: { type: "string" },
      iterations: { type: "string" },
      theta: { type: "string" },
      threads: { type: "string" },
      repulsion: { type: "string" },
      neighbours: { type: "string" },
      "skip-peer": { type: "boolean" },
      peer: { type: "boolean" },
      run: { type: "string" },
    },
    argsSchema,
    (v) => ({
      n: v.n,
      iterations: v.iterations,
      theta: v.theta,
      threads: v.threads,
      repulsion: v.repulsion,
      neighbours: v.neighbours,
      skipPeer: v["skip-peer"],
      peer: v.peer,
      run: v.run,
    }),
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { args } = flags;

  const input = await loadBenchRows(args.n, args.run);
  console.log(`input=${input.what} rows=${input.rows} cols=${input.cols}`);
  console.log(
    `digits=${input.rows} perplexity=30 iterations=${args.iterations} theta=${args.theta} pca=50 cores=${os.cpus().length}`,
  );
  console.log(`load_average_1m_before=${os.loadavg()[0]!.toFixed(2)}`);
  const ours = benchOurs(input, args);
  console.log(`ours: tsne n=${input.rows} seconds=${ours.seconds.toFixed(1)} kl=${ours.kl.toFixed(4)}`);
  for (const line of breakdown(ours)) console.log(line);

  const peer: PeerResult = args.skipPeer
    ? { missing: "skipped (--skip-peer)" }
    : input.rows > PEER_DEFAULT_MAX_ROWS && !args.peer
      ? { missing: `skipped above ${PEER_DEFAULT_MAX_ROWS} rows (--peer runs it)` }
      : benchPeer(input, args.run !== undefined || input.rows > 10_000);
  console.log(`load_average_1m_after=${os.loadavg()[0]!.toFixed(2)}`);
  if ("missing" in peer) {
    console.log(`sklearn peer: ${peer.missing}`);
    if (peer.missing.startsWith("scikit-learn") || peer.missing.includes(PYTHON))
      console.log(`install it with: ${SKLEARN_INSTALL}`);
    return 0;
  }
  console.log(`sklearn: ${peer.line}`);
  console.log(
    `ratio_vs_sklearn=${(ours.seconds / peer.seconds).toFixed(2)} kl_ratio=${(ours.kl / peer.kl).toFixed(3)}`,
  );
  return 0;
}

runScript("bench:tsne", main, { stack: true });

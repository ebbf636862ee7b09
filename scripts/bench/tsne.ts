// Entry point of `npm run bench:tsne`: our Barnes–Hut t-SNE on the first N MNIST test digits, then the
// scikit-learn peer on the same digits; prints seconds and KL for each, and the time ratio last.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { mnistDir } from "../../lib/mnist/dataset";
import { loadIdxImages } from "../../lib/mnist/idx";
import { IMAGE_PIXELS } from "../../lib/core/constants";
import { createTsne } from "../../lib/numeric/tsne/tsne";
import type { Matrix } from "../../lib/numeric/tsne/matrix";
import { readEnv } from "../../lib/env";
import { openDatabase } from "../../lib/db/client";
import { getLastTestEmbedding } from "../../lib/db/embeddings";

const USAGE = `usage: npm run bench:tsne -- [--n DIGITS] [--run ID] [--iterations N] [--skip-peer]
  --n           first N digits (default 10000; 100..70000): the test set, then the training set past 10,000
  --run         project run ID's last-hidden-layer embedding of the test digits (from DATABASE_URL) instead of pixels;
                the peer reads the same float32 rows from a file
  --iterations  gradient-descent iterations for ours (default 1000, as the peer)
  --skip-peer   do not run the scikit-learn peer`;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PEER_SCRIPT = process.env.PEER_SCRIPT ?? path.resolve(REPO_ROOT, "../shared/peers/sklearn_tsne.py");
const PYTHON = "/usr/bin/python3";
const SKLEARN_INSTALL = "apt-get update && apt-get install -y python3-sklearn python3-numpy";

const argsSchema = z.object({
  n: z.coerce.number().int().min(100).max(70_000).default(10_000),
  iterations: z.coerce.number().int().min(1).max(100_000).default(1000),
  skipPeer: z.boolean().default(false),
  run: z.coerce.number().int().positive().optional(),
});

interface OursResult {
  seconds: number;
  setupSeconds: number;
  kl: number;
}

/**
 * The first n digits as pixels / 255 (the 10,000 test digits, then training digits: n = 70,000 is all of MNIST),
 * or run `runId`'s stored last-hidden-layer activations of the test digits.
 */
async function loadInput(n: number, runId: number | undefined): Promise<Matrix & { what: string }> {
  if (runId === undefined) {
    const test = loadIdxImages(path.join(mnistDir(), "t10k-images-idx3-ubyte"));
    const train = n > test.count ? loadIdxImages(path.join(mnistDir(), "train-images-idx3-ubyte")) : null;
    const data = new Float32Array(n * IMAGE_PIXELS);
    const fromTest = Math.min(n, test.count) * IMAGE_PIXELS;
    for (let i = 0; i < fromTest; i++) data[i] = test.pixels[i]! / 255;
    for (let i = fromTest; i < data.length; i++) data[i] = train!.pixels[i - fromTest]! / 255;
    return { data, rows: n, cols: IMAGE_PIXELS, what: train ? "pixels (test + train)" : "pixels" };
  }
  const db = openDatabase(readEnv().DATABASE_URL);
  try {
    const stored = await getLastTestEmbedding(db, runId);
    if (!stored)
      throw new Error(`run ${runId} has no test-set embedding in ${readEnv().DATABASE_URL} (has it finished?)`);
    const rows = Math.min(n, stored.rows);
    return {
      data: stored.data.subarray(0, rows * stored.cols),
      rows,
      cols: stored.cols,
      what: `run ${runId} ${stored.layerName}`,
    };
  } finally {
    await db.close();
  }
}

/** PCA 50 → kNN → P → `iterations` steps, timed from the input (as the peer times). */
function benchOurs(input: Matrix, iterations: number): OursResult {
  const start = performance.now();
  const tsne = createTsne(input, { perplexity: 30, iterations, init: "pca" });
  const setupMs = performance.now() - start;
  tsne.fit();
  const seconds = (performance.now() - start) / 1000;
  return { seconds, setupSeconds: setupMs / 1000, kl: tsne.klDivergence() };
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
      "skip-peer": { type: "boolean" },
      run: { type: "string" },
    },
    argsSchema,
    (v) => ({ n: v.n, iterations: v.iterations, skipPeer: v["skip-peer"], run: v.run }),
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { args } = flags;

  const input = await loadInput(args.n, args.run);
  console.log(`input=${input.what} rows=${input.rows} cols=${input.cols}`);
  console.log(
    `digits=${input.rows} perplexity=30 iterations=${args.iterations} theta=0.5 pca=50 cores=${os.cpus().length}`,
  );
  console.log(`load_average_1m_before=${os.loadavg()[0]!.toFixed(2)}`);
  const ours = benchOurs(input, args.iterations);
  console.log(
    `ours: tsne n=${input.rows} seconds=${ours.seconds.toFixed(1)} kl=${ours.kl.toFixed(4)} ` +
      `(setup ${ours.setupSeconds.toFixed(1)} s: PCA, kNN, P; single-threaded)`,
  );

  const peer: PeerResult = args.skipPeer
    ? { missing: "skipped (--skip-peer)" }
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

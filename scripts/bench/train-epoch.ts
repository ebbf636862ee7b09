// Entry point of `npm run bench:train`: one epoch of the seed network (or, with --arch cnn, the CNN preset) on the
// active tfjs backend, then the PyTorch peer on the same digits; prints µs per digit, a breakdown, and the ratio last.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { loadMnist, headOfSplit, mnistDir } from "../../lib/mnist/dataset";
import { oneHot, scalePixels } from "../../lib/mnist/encode";
import { IMAGE_SIDE, NUM_CLASSES } from "../../lib/core/constants";
import { assertCanTrain, initBackend } from "../../lib/model/backend";
import { backendNameSchema } from "../../lib/core/backend-name";
import { createModel } from "../../lib/model/create";
import { disableFastWasmKernels, enableFastWasmKernels, fastWasmKernelsStatus } from "../../lib/model/wasm-kernels";
import { parseTrainConfig, type TrainConfig } from "../../lib/core/train-config";
import { createOptimizer, trainEpoch } from "../../lib/features/train/loop";
import { timeKernelCalls } from "./kernel-timer";
import { createRng } from "../../lib/numeric/random";

const USAGE = `usage: npm run bench:train -- [--arch mlp|cnn] [--n DIGITS] [--stock] [--no-fma] [--backend auto|wasm|cpu] [--skip-peer]
  --arch       mlp: the seed network with RMSprop (default); cnn: the CNN preset's layers with Adam (lr 0.001),
               against ../shared/peers/torch_cnn_epoch.py
  --n          training digits in the epoch (default 48000, the seed's 80% of 60,000; 128..60000)
  --stock      stock wasm kernels and tf.train.rmsprop (default: fast kernels and the fused RMSprop update)
  --no-fma     fast kernels without fused multiply-adds (a multiply and an add per term)
  --backend    tfjs backend (default TFJS_BACKEND or auto)
  --skip-peer  do not run the PyTorch peer`;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The PyTorch peer of each architecture (PEER_SCRIPT overrides it). */
const peerScript = (arch: "mlp" | "cnn") =>
  process.env.PEER_SCRIPT ?? path.resolve(REPO_ROOT, `../shared/peers/torch_${arch}_epoch.py`);
const PYTHON = "/usr/bin/python3";
const TORCH_INSTALL = "apt-get update && apt-get install -y python3-torch python3-numpy";
/**
 * The peer's documented setting is one thread (torch.set_num_threads(1)), but Debian's torch 1.13 hands its
 * matrix products to the system BLAS, whose own thread pool ignores that call and takes the second core
 * (process CPU time twice the wall time). These variables hold the BLAS and OpenMP pools to one thread too.
 */
const ONE_THREAD_ENV = { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

const argsSchema = z.object({
  arch: z.enum(["mlp", "cnn"]).default("mlp"),
  n: z.coerce.number().int().min(128).max(60_000).default(48_000),
  stock: z.boolean().default(false),
  noFma: z.boolean().default(false),
  backend: backendNameSchema.default("auto"),
  skipPeer: z.boolean().default(false),
});

/** Wall time spent inside the named kernels, in ms by category, while timed; `restore` puts the originals back. */
function timeKernels(backendName: string, categories: Record<string, string>) {
  const totalsMs: Record<string, number> = Object.fromEntries(Object.values(categories).map((c) => [c, 0]));
  const restore = timeKernelCalls(
    backendName,
    (kernelName, _args, ms) => (totalsMs[categories[kernelName]!]! += ms),
    Object.keys(categories),
  );
  return { totalsMs, restore };
}

/** Adds the wall time of `optimizer.applyGradients` to `totalsMs.optimizer`. */
function timeOptimizer(optimizer: tf.Optimizer, totalsMs: Record<string, number>): void {
  const apply = optimizer.applyGradients.bind(optimizer);
  totalsMs.optimizer = 0;
  optimizer.applyGradients = (grads) => {
    const start = performance.now();
    apply(grads);
    totalsMs.optimizer! += performance.now() - start;
  };
}

interface OursResult {
  usPerDigit: number;
  seconds: number;
  /** CPU time of this process (all threads) during the epoch: far below `seconds` means a busy machine. */
  cpuSeconds: number;
  cpuUsPerDigit: number;
  loss: number;
  accuracy: number;
  breakdownMs: Record<string, number>;
}

/**
 * The benchmarked configuration: the seed's, or the CNN preset's layers with the peer's optimizer (Adam, lr 0.001),
 * whatever the preset's defaults become.
 */
function benchConfig(arch: "mlp" | "cnn"): TrainConfig {
  return arch === "mlp"
    ? parseTrainConfig({})
    : parseTrainConfig({ architecture: { kind: "cnn" }, optimizer: { name: "adam", learningRate: 0.001 } });
}

async function benchOurs(n: number, backendName: string, arch: "mlp" | "cnn"): Promise<OursResult> {
  const config = benchConfig(arch);
  const split = headOfSplit(loadMnist().train, n);
  const x = tf.tensor3d(scalePixels(split.pixels), [n, IMAGE_SIDE, IMAGE_SIDE]);
  const y = tf.tensor2d(oneHot(split.labels), [n, NUM_CLASSES]);
  // The training path's optimizer: with the fast kernels on, RMSprop's update is fused (bit-identical to
  // tf.train.rmsprop, see lib/model/wasm-kernels/rmsprop.ts); with them off it is tfjs's own.
  const makeOptimizer = () => createOptimizer(config.optimizer);
  const options = { batchSize: config.batchSize, shuffle: config.shuffle, rng: createRng(config.seed) };

  // Warm-up on a throwaway model: JIT, wasm code paths and kernel setup stay out of the timed epoch.
  const [warmModel, warmOptimizer] = [createModel(config.architecture, config.seed), makeOptimizer()];
  // With --stock a CNN cannot train on wasm (no Conv2DBackpropFilter): say so rather than fail inside tfjs.
  assertCanTrain(warmModel);
  const warmCount = Math.min(n, 2 * config.batchSize);
  const [wx, wy] = [x.slice(0, warmCount), y.slice(0, warmCount)];
  await trainEpoch(warmModel, warmOptimizer, wx, wy, options);
  tf.dispose([wx, wy]);
  warmModel.dispose();
  warmOptimizer.dispose();

  const model = createModel(config.architecture, config.seed);
  const optimizer = makeOptimizer();
  const { totalsMs, restore } = timeKernels(backendName, {
    BatchMatMul: "matmul",
    _FusedMatMul: "matmul",
    GatherV2: "data",
    Conv2D: "conv",
    Conv2DBackpropFilter: "conv",
    Conv2DBackpropInput: "conv",
    MaxPool: "pool",
    MaxPoolGrad: "pool",
  });
  timeOptimizer(optimizer, totalsMs);
  const [start, cpuStart] = [performance.now(), process.cpuUsage()];
  const result = await trainEpoch(model, optimizer, x, y, { ...options, rng: createRng(config.seed + 1) });
  const totalMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  restore();
  tf.dispose([x, y]);
  const known = Object.values(totalsMs).reduce((a, b) => a + b, 0);
  return {
    usPerDigit: (totalMs * 1000) / n,
    seconds: totalMs / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    cpuUsPerDigit: (cpu.user + cpu.system) / n,
    loss: result.loss,
    accuracy: result.accuracy,
    breakdownMs: { ...totalsMs, other: Math.max(0, totalMs - known) },
  };
}

type PeerResult = { usPerDigit: number; line: string } | { missing: string };

/**
 * Runs the peer script; with `clock: "cpu"` its timer (time.perf_counter) reads process CPU time instead,
 * which a busy machine inflates far less than wall time (the peer runs PyTorch on one thread).
 */
function benchPeer(
  arch: "mlp" | "cnn",
  n: number,
  clock: "wall" | "cpu",
  threads: "one" | "default" = "one",
): PeerResult {
  const script = peerScript(arch);
  if (!existsSync(PYTHON)) return { missing: `${PYTHON} not found` };
  if (!existsSync(script)) return { missing: `peer script ${script} not found (set PEER_SCRIPT)` };
  const args = [script, mnistDir(), String(n)];
  const env = { ...process.env, ...(threads === "one" ? ONE_THREAD_ENV : {}) };
  const run =
    clock === "wall"
      ? spawnSync(PYTHON, args, { encoding: "utf8", env })
      : spawnSync(
          PYTHON,
          [
            "-c",
            "import runpy, sys, time; time.perf_counter = time.process_time; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
            ...args,
          ],
          { encoding: "utf8", env },
        );
  const match = /us_per_sample=(\d+(?:\.\d+)?)/.exec(run.stdout ?? "");
  if (run.status !== 0 || !match) {
    const why = (run.stderr || run.stdout || String(run.error ?? "")).trim().split("\n").pop() ?? "";
    return { missing: why.includes("No module named") ? `PyTorch is not installed (${why})` : `peer failed: ${why}` };
  }
  return { usPerDigit: Number(match[1]), line: run.stdout.trim() };
}

function formatBreakdown(breakdownMs: Record<string, number>, n: number, totalMs: number): string {
  return Object.entries(breakdownMs)
    .map(([name, ms]) => `${name} ${((ms * 1000) / n).toFixed(0)} µs/digit (${((100 * ms) / totalMs).toFixed(0)}%)`)
    .join(", ");
}

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:train",
    USAGE,
    {
      arch: { type: "string" },
      n: { type: "string" },
      stock: { type: "boolean" },
      "no-fma": { type: "boolean" },
      backend: { type: "string" },
      "skip-peer": { type: "boolean" },
    },
    argsSchema,
    (v) => ({
      arch: v.arch,
      n: v.n,
      stock: v.stock,
      noFma: v["no-fma"],
      backend: v.backend ?? process.env.TFJS_BACKEND,
      skipPeer: v["skip-peer"],
    }),
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { args } = flags;

  const backend = await initBackend(args.backend);
  // Whatever initBackend switched on, this run decides: stock kernels with --stock, else the fast ones.
  disableFastWasmKernels();
  const fast = !args.stock && enableFastWasmKernels({ fma: !args.noFma });
  const gemm = fastWasmKernelsStatus().fma ? "SIMD gemm with fma" : "SIMD gemm, mul+add";
  const kernels =
    backend.name !== "wasm"
      ? "stock (fast kernels are wasm-only)"
      : fast
        ? `fast (${gemm}${args.arch === "mlp" ? ", fused RMSprop" : ""}, fast dropout)`
        : "stock";
  const optimizer =
    args.arch === "cnn"
      ? "tf.train.adam"
      : fastWasmKernelsStatus().rmsprop
        ? "FastRmspropOptimizer (fused update)"
        : "tf.train.rmsprop";
  console.log(
    `arch=${args.arch} backend=${backend.name} (tfjs ${tf.version.tfjs}) kernels=${kernels} optimizer=${optimizer}`,
  );
  console.log(`digits=${args.n} batch=128 cores=${os.cpus().length}`);
  console.log(`load_average_1m_before=${os.loadavg()[0]!.toFixed(2)}`);

  const ours = await benchOurs(args.n, backend.name, args.arch);
  console.log(
    `ours: epoch ${ours.seconds.toFixed(2)} s (process CPU ${ours.cpuSeconds.toFixed(2)} s), loss ${ours.loss.toFixed(4)}, accuracy ${ours.accuracy.toFixed(4)}`,
  );
  console.log(`breakdown: ${formatBreakdown(ours.breakdownMs, args.n, ours.seconds * 1000)}`);
  console.log("  (matmul: BatchMatMul/_FusedMatMul kernels incl. transposes, bias and relu; data: batch gather;");
  console.log("   conv: Conv2D and its two gradients; pool: MaxPool and its gradient;");
  console.log("   optimizer: applyGradients; other: element-wise kernels, dropout masks, autodiff, loss read-back)");
  console.log(`ours_cpu_us_per_digit=${ours.cpuUsPerDigit.toFixed(0)} (process CPU time, all threads)`);
  console.log(`ours_us_per_digit=${ours.usPerDigit.toFixed(0)}`);

  const peer: PeerResult = args.skipPeer ? { missing: "skipped (--skip-peer)" } : benchPeer(args.arch, args.n, "wall");
  const peerCpu: PeerResult = "missing" in peer ? peer : benchPeer(args.arch, args.n, "cpu");
  console.log(`load_average_1m_after=${os.loadavg()[0]!.toFixed(2)}`);
  if ("missing" in peer || "missing" in peerCpu) {
    const missing = "missing" in peer ? peer.missing : (peerCpu as { missing: string }).missing;
    console.log(`pytorch peer: ${missing}`);
    if (missing.startsWith("PyTorch") || missing.includes(PYTHON)) console.log(`install it with: ${TORCH_INSTALL}`);
    console.log("ratio_vs_pytorch=n/a");
    return 0;
  }
  console.log(
    `pytorch (one thread: ${Object.entries(ONE_THREAD_ENV)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}): ${peer.line}`,
  );
  const peerAllCores = benchPeer(args.arch, args.n, "wall", "default");
  if (!("missing" in peerAllCores)) {
    console.log(
      `pytorch_all_cores_us_per_digit=${peerAllCores.usPerDigit.toFixed(0)} (BLAS threads left to their default; for reference)`,
    );
  }
  console.log(`pytorch_cpu_us_per_digit=${peerCpu.usPerDigit.toFixed(0)} (its epoch timed in process CPU time)`);
  console.log(
    `ratio_vs_pytorch_cpu=${(ours.cpuUsPerDigit / peerCpu.usPerDigit).toFixed(2)} (CPU time both sides: robust on a busy machine)`,
  );
  console.log(`pytorch_us_per_digit=${peer.usPerDigit.toFixed(0)}`);
  console.log(`ratio_vs_pytorch=${(ours.usPerDigit / peer.usPerDigit).toFixed(2)}`);
  return 0;
}

runScript("bench:train", main, { stack: true });

// Entry point of `npm run bench:kernels`: where one training step of the seed network spends its time, kernel by
// kernel (with operand shapes and transposes), on the active tfjs backend. A profile, not a race: no peer.
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { loadMnist, headOfSplit } from "../../lib/mnist/dataset";
import { oneHot, scalePixels } from "../../lib/mnist/encode";
import { IMAGE_SIDE, NUM_CLASSES } from "../../lib/core/constants";
import { initBackend } from "../../lib/model/backend";
import { backendNameSchema } from "../../lib/core/backend-name";
import { createModel } from "../../lib/model/create";
import { disableFastWasmKernels, enableFastWasmKernels, fastWasmKernelsStatus } from "../../lib/model/wasm-kernels";
import { createRng } from "../../lib/numeric/random";
import { parseTrainConfig } from "../../lib/core/train-config";
import { createOptimizer, trainEpoch } from "../../lib/features/train/loop";
import { timeKernelCalls } from "./kernel-timer";

const USAGE = `usage: npm run bench:kernels -- [--steps N] [--top N] [--stock] [--no-fma] [--backend auto|wasm|cpu]
  --steps    timed training steps of batch 128 (default 60; 1..375)
  --top      kernel rows to print, slowest first (default 25)
  --stock    stock wasm kernels and tf.train.rmsprop (default: the fast kernels)
  --no-fma   fast kernels without fused multiply-adds
  --backend  tfjs backend (default TFJS_BACKEND or auto)`;

const argsSchema = z.object({
  steps: z.coerce.number().int().min(1).max(375).default(60),
  top: z.coerce.number().int().min(1).max(500).default(25),
  stock: z.boolean().default(false),
  noFma: z.boolean().default(false),
  backend: backendNameSchema.default("auto"),
});

/** "BatchMatMul [128,512]·[512,512] NT" and the like: what distinguishes one call site from another. */
function callKey(
  kernelName: string,
  inputs: Record<string, tf.TensorInfo | undefined>,
  attrs: Record<string, unknown> | undefined,
): string {
  const shapes = Object.values(inputs)
    .filter((t) => t !== undefined)
    .map((t) => `[${t.shape.join(",")}]`)
    .join("·");
  if (!kernelName.includes("MatMul")) return `${kernelName} ${shapes}`;
  const transposes = `${attrs?.transposeA ? "T" : "N"}${attrs?.transposeB ? "T" : "N"}`;
  return `${kernelName} ${shapes} ${transposes}${attrs?.activation ? ` ${String(attrs.activation)}` : ""}`;
}

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:kernels",
    USAGE,
    {
      steps: { type: "string" },
      top: { type: "string" },
      stock: { type: "boolean" },
      "no-fma": { type: "boolean" },
      backend: { type: "string" },
    },
    argsSchema,
    (v) => ({
      steps: v.steps,
      top: v.top,
      stock: v.stock,
      noFma: v["no-fma"],
      backend: v.backend ?? process.env.TFJS_BACKEND,
    }),
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { args } = flags;

  const backend = await initBackend(args.backend);
  disableFastWasmKernels();
  const fast = !args.stock && enableFastWasmKernels({ fma: !args.noFma });
  console.log(
    `backend=${backend.name} kernels=${fast ? `fast${fastWasmKernelsStatus().fma ? " (fma)" : ""}` : "stock"} steps=${args.steps} batch=128`,
  );

  const config = parseTrainConfig({});
  const n = config.batchSize * args.steps;
  const split = headOfSplit(loadMnist().train, n);
  const x = tf.tensor3d(scalePixels(split.pixels), [n, IMAGE_SIDE, IMAGE_SIDE]);
  const y = tf.tensor2d(oneHot(split.labels), [n, NUM_CLASSES]);
  const model = createModel(config.architecture, config.seed);
  // The fused RMSprop update while the fast kernels are on, tfjs's own with --stock.
  const optimizer = createOptimizer(config.optimizer);
  const options = { batchSize: config.batchSize, shuffle: true };

  // Two untimed steps: JIT, wasm tier-up and module compilation stay out of the figures.
  const warm = Math.min(n, 2 * config.batchSize);
  const [wx, wy] = [x.slice(0, warm), y.slice(0, warm)];
  await trainEpoch(model, optimizer, wx, wy, { ...options, rng: createRng(1) });
  tf.dispose([wx, wy]);

  const totals = new Map<string, [number, number]>();
  const restore = timeKernelCalls(backend.name, (kernelName, call, ms) => {
    const key = callKey(
      kernelName,
      call.inputs as Record<string, tf.TensorInfo | undefined>,
      call.attrs as Record<string, unknown>,
    );
    const entry = totals.get(key) ?? [0, 0];
    entry[0] += ms;
    entry[1]++;
    totals.set(key, entry);
  });
  const start = performance.now();
  await trainEpoch(model, optimizer, x, y, { ...options, rng: createRng(2) });
  const stepMs = (performance.now() - start) / args.steps;
  restore();

  const rows = [...totals].sort((a, b) => b[1][0] - a[1][0]);
  const kernelsMs = rows.reduce((sum, [, [ms]]) => sum + ms, 0) / args.steps;
  console.log("ms/step  calls/step  kernel and operands");
  for (const [key, [ms, calls]] of rows.slice(0, args.top)) {
    console.log(`${(ms / args.steps).toFixed(2).padStart(7)}  ${(calls / args.steps).toFixed(1).padStart(10)}  ${key}`);
  }
  if (rows.length > args.top) console.log(`(+${rows.length - args.top} more rows)`);
  console.log(
    `step ${stepMs.toFixed(1)} ms: kernels ${kernelsMs.toFixed(1)} ms, outside kernels (the fused RMSprop update, autodiff, JS, this timing) ${(stepMs - kernelsMs).toFixed(1)} ms`,
  );
  console.log(
    `us_per_digit=${((stepMs * 1000) / config.batchSize).toFixed(0)} (with every kernel timed; npm run bench:train gives the untimed figure)`,
  );
  tf.dispose([x, y]);
  return 0;
}

runScript("bench:kernels", main, { stack: true });

// Entry point of `npm run bench:wasm-kernels`: the fast wasm kernels alone on the seed network's shapes —
// GFLOP/s of each training product, and our transpose against tfjs-backend-wasm's Transpose, in ns per float.
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { initBackend } from "../../lib/model/backend";
import {
  createFastTranspose,
  disableFastWasmKernels,
  enableFastWasmKernels,
  fastWasmKernelsStatus,
} from "../../lib/model/wasm-kernels";

const USAGE = `usage: npm run bench:wasm-kernels -- [--reps N] [--no-fma]
  --reps    timed repetitions per figure, the median is printed (default 20; 3..500)
  --no-fma  products without fused multiply-adds`;

const argsSchema = z.object({
  reps: z.coerce.number().int().min(3).max(500).default(20),
  noFma: z.boolean().default(false),
});

/** The products of one seed-network training step: [label, a shape, b shape, transposeA, transposeB]. */
const PRODUCTS: Array<[string, number[], number[], boolean, boolean]> = [
  ["forward, layer 1 (X·W)", [128, 784], [784, 512], false, false],
  ["forward, layers 2-3", [128, 512], [512, 512], false, false],
  ["weight gradient, layer 1 (Xᵀ·dY)", [128, 784], [128, 512], true, false],
  ["weight gradient, layers 2-3", [128, 512], [128, 512], true, false],
  ["input gradient, layers 2-3 (dY·Wᵀ)", [128, 512], [512, 512], false, true],
];

const TRANSPOSES: Array<[number, number]> = [
  [784, 512],
  [512, 512],
  [128, 784],
];

/** Median milliseconds of `reps` calls of `fn`, after two untimed ones (wasm tier-up, first-use compilation). */
function medianMs(reps: number, fn: () => void): number {
  fn();
  fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:wasm-kernels",
    USAGE,
    { reps: { type: "string" }, "no-fma": { type: "boolean" } },
    argsSchema,
    (v) => ({
      reps: v.reps,
      noFma: v["no-fma"],
    }),
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { args } = flags;
  const backend = await initBackend("wasm");
  disableFastWasmKernels();
  if (!enableFastWasmKernels({ fma: !args.noFma })) throw new Error("the fast wasm kernels could not be enabled");
  console.log(`backend=${backend.version} fma=${String(fastWasmKernelsStatus().fma)} reps=${args.reps} (medians)`);

  for (const [label, aShape, bShape, transposeA, transposeB] of PRODUCTS) {
    const [a, b] = [tf.randomUniform(aShape, -1, 1), tf.randomUniform(bShape, -1, 1)];
    const m = transposeA ? aShape[1]! : aShape[0]!;
    const k = transposeA ? aShape[0]! : aShape[1]!;
    const n = transposeB ? bShape[0]! : bShape[1]!;
    const ms = medianMs(args.reps, () => tf.matMul(a, b, transposeA, transposeB).dispose());
    console.log(
      `product ${label} [${m}×${k}]·[${k}×${n}]: ${ms.toFixed(2)} ms, ${((2 * m * k * n) / ms / 1e6).toFixed(1)} GFLOP/s`,
    );
    tf.dispose([a, b]);
  }

  const ours = createFastTranspose();
  if (ours === null) throw new Error("the fast transpose needs the wasm backend's heap");
  for (const [rows, cols] of TRANSPOSES) {
    const x = tf.randomUniform([rows, cols]);
    const out = tf.zeros([cols, rows]);
    const oursMs = medianMs(args.reps, () => ours(x, out));
    // tf.transpose runs the backend's own Transpose kernel (the fast kernels do not replace it).
    const stockMs = medianMs(args.reps, () => tf.transpose(x).dispose());
    const ns = (ms: number) => ((ms * 1e6) / (rows * cols)).toFixed(2);
    console.log(
      `transpose ${rows}×${cols}: ours ${ns(oursMs)} ns per float, tfjs Transpose ${ns(stockMs)} (${(stockMs / oursMs).toFixed(1)}×)`,
    );
    tf.dispose([x, out]);
  }
  return 0;
}

runScript("bench:wasm-kernels", main, { stack: true });

// Chooses the tfjs backend: tfjs-node when installed, else wasm, else cpu; reports what is really active.
import "server-only";
import path from "node:path";
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import type { BackendName } from "../core/backend-name";
import { disableFastWasmKernels, enableFastWasmKernels, fastWasmKernelsStatus } from "./wasm-kernels";

export interface BackendInfo {
  /** The backend tf.getBackend() reports after initialisation. */
  name: string;
  /** Package versions behind it, e.g. "tfjs 4.22.0, tfjs-backend-wasm 4.22.0". */
  version: string;
  /** Why a preferred backend was skipped, if one was. */
  fallbackReason?: string;
  /** True when lib/model/wasm-kernels' fast kernels replace the stock wasm ones (wasm only). */
  fastKernels: boolean;
}

const require = createRequire(import.meta.url);

async function tryNode(): Promise<string | null> {
  try {
    // A variable specifier: the package is optional and usually absent on these machines.
    const specifier = "@tensorflow/tfjs-node";
    await import(specifier);
    return (await tf.setBackend("tensorflow")) ? null : "tfjs-node loaded but setBackend('tensorflow') failed";
  } catch (err) {
    return `@tensorflow/tfjs-node unavailable (${(err as Error).message.split("\n")[0]})`;
  }
}

async function tryWasm(): Promise<string | null> {
  try {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    // Bundlers move the .wasm files; an absolute path keeps the backend from silently falling back to cpu.
    const dir =
      path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + path.sep;
    wasm.setWasmPaths(dir);
    return (await tf.setBackend("wasm")) ? null : "setBackend('wasm') returned false";
  } catch (err) {
    return `wasm backend failed (${(err as Error).message.split("\n")[0]})`;
  }
}

function versionOf(name: string): string {
  if (name === "wasm") {
    const pkg = require("@tensorflow/tfjs-backend-wasm/package.json") as { version: string };
    return `tfjs ${tf.version.tfjs}, tfjs-backend-wasm ${pkg.version}`;
  }
  if (name === "tensorflow") {
    // Next's bundler must not resolve the optional package at build time (the attribution route bundles this file).
    const pkg = require(/* turbopackIgnore: true */ "@tensorflow/tfjs-node/package.json") as { version: string };
    return `tfjs ${tf.version.tfjs}, tfjs-node ${pkg.version}`;
  }
  return `tfjs ${tf.version.tfjs} (cpu)`;
}

/**
 * Initialises `requested` (TFJS_BACKEND, default auto: tensorflow → wasm → cpu).
 * A named backend that fails to load is an error, not a silent fallback.
 * On wasm the fast kernels are switched on unless `fastKernels` is false (TFJS_FAST_KERNELS=0), which switches
 * them off, RMSprop's fused update and dropout included, if an earlier call had switched them on.
 */
export async function initBackend(
  requested: BackendName = "auto",
  fastKernels = process.env.TFJS_FAST_KERNELS !== "0",
): Promise<BackendInfo> {
  const reasons: string[] = [];
  const attempts: Array<["tensorflow" | "wasm" | "cpu", () => Promise<string | null>]> = [
    ["tensorflow", tryNode],
    ["wasm", tryWasm],
    ["cpu", async () => ((await tf.setBackend("cpu")) ? null : "setBackend('cpu') returned false")],
  ];
  for (const [name, attempt] of attempts) {
    if (requested !== "auto" && requested !== name) continue;
    const failure = await attempt();
    if (failure === null) {
      await tf.ready();
      const active = tf.getBackend();
      if (!fastKernels) disableFastWasmKernels();
      const fast = active === "wasm" && fastKernels && enableFastWasmKernels();
      const version =
        versionOf(active) + (fast ? ` + mnist-lens fast kernels${fastWasmKernelsStatus().fma ? " (fma)" : ""}` : "");
      return {
        name: active,
        version,
        fastKernels: fast,
        ...(reasons.length ? { fallbackReason: reasons.join("; ") } : {}),
      };
    }
    if (requested !== "auto")
      throw new Error(
        `TFJS_BACKEND=${requested} cannot be used: ${failure}. Unset TFJS_BACKEND to fall back automatically.`,
      );
    reasons.push(failure);
  }
  throw new Error(`no tfjs backend could be initialised: ${reasons.join("; ")}`);
}

/** The kernels backpropagation through a layer runs, by tfjs-layers class name (layers not listed need none of note). */
const GRADIENT_KERNELS: Record<string, string[]> = {
  Conv2D: ["Conv2DBackpropFilter", "Conv2DBackpropInput"],
  MaxPooling2D: ["MaxPoolGrad"],
};

/**
 * Throws, naming the kernel and the switch, when the active backend lacks a kernel that training `model` needs:
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter, which the fast kernels add (off with TFJS_FAST_KERNELS=0).
 * Without this check the first step fails deep inside tfjs with "Kernel … not registered".
 */
export function assertCanTrain(model: tf.LayersModel): void {
  const backend = tf.getBackend();
  for (const layer of model.layers) {
    for (const kernel of GRADIENT_KERNELS[layer.getClassName()] ?? []) {
      if (tf.getKernel(kernel, backend)) continue;
      const fix =
        backend === "wasm"
          ? "tfjs-backend-wasm 4.22 lacks it, and the mnist-lens fast kernels that add it are off " +
            "(TFJS_FAST_KERNELS=0, or disableFastWasmKernels()): unset TFJS_FAST_KERNELS to train this model on wasm, " +
            "or use another backend"
          : "use another backend";
      throw new Error(
        `cannot train layer ${layer.name} on the ${backend} backend: its gradient needs kernel '${kernel}', ` +
          `which is not registered; ${fix}`,
      );
    }
  }
}

// Wall time inside tfjs kernels, for the training benchmarks: every call of the chosen kernels is timed.
import * as tf from "@tensorflow/tfjs";

/** One timed kernel call: its name, arguments and milliseconds. */
export type KernelTiming = (kernelName: string, args: Parameters<tf.KernelFunc>[0], ms: number) => void;

/**
 * Re-registers `kernelNames` of `backendName` (all of them when omitted) so that each call reports its wall
 * time to `onCall`; returns the function that puts the original kernels back.
 */
export function timeKernelCalls(backendName: string, onCall: KernelTiming, kernelNames?: string[]): () => void {
  const originals = kernelNames
    ? kernelNames.map((name) => tf.getKernel(name, backendName)).filter((k): k is tf.KernelConfig => k !== undefined)
    : tf.getKernelsForBackend(backendName);
  for (const original of originals) {
    tf.unregisterKernel(original.kernelName, backendName);
    tf.registerKernel({
      ...original,
      // The stock setup already ran when the backend started.
      setupFunc: undefined,
      kernelFunc: (args) => {
        const start = performance.now();
        try {
          return original.kernelFunc(args);
        } finally {
          onCall(original.kernelName, args, performance.now() - start);
        }
      },
    });
  }
  return () => {
    for (const original of originals) {
      tf.unregisterKernel(original.kernelName, backendName);
      tf.registerKernel(original);
    }
  };
}

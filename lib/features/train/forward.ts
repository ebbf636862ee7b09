// Batched inference: softmax outputs for every row and the recorded layers' activations for chosen rows, in one pass.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { NUM_CLASSES } from "../../core/constants";

export interface ForwardResult {
  /** [n, 10] softmax outputs. */
  probs: Float32Array;
  /** One per recorded layer (conv blocks flattened, hidden Dense layers): [keepRows.length, width] activations of the kept rows. */
  hidden: Float32Array[];
  widths: number[];
}

/**
 * Runs `probeModel` (outputs: recorded layers [n, width]..., softmax; see createProbeModel) over `x` [n, 28, 28]
 * in batches of `batchSize`. Hidden activations are copied only for `keepRows` (ascending indices)
 * and only for layers in `keepLayers` (default all), so a 10,000-digit pass does not hold 60 MB it discards.
 */
export async function forwardPass(
  probeModel: tf.LayersModel,
  x: tf.Tensor,
  keepRows: Int32Array,
  options: { batchSize?: number; keepLayers?: number[] } = {},
): Promise<ForwardResult> {
  const n = x.shape[0]!;
  const batchSize = options.batchSize ?? 1000;
  const outputShapes = probeModel.outputs.map((o) => o.shape);
  const hiddenCount = outputShapes.length - 1;
  const widths = outputShapes.slice(0, hiddenCount).map((s) => s[s.length - 1]!);
  const keepLayers = options.keepLayers ?? widths.map((_, i) => i);
  const probs = new Float32Array(n * NUM_CLASSES);
  const hidden = widths.map((w, i) => new Float32Array(keepLayers.includes(i) ? keepRows.length * w : 0));
  let cursor = 0; // next entry of keepRows to fill
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    // The whole slice as one batch: predict's own default (32 rows) cut every product into 32-row pieces
    // (the wasm kernels then transpose each layer's weights once per piece) and measured 2.5× slower.
    const outputs = tf.tidy(
      () => probeModel.predict(x.slice(start, end - start), { batchSize: end - start }) as tf.Tensor[],
    );
    try {
      probs.set(await outputs[hiddenCount]!.data(), start * NUM_CLASSES);
      const firstKept = cursor;
      while (cursor < keepRows.length && keepRows[cursor]! < end) cursor++;
      if (cursor > firstKept) {
        for (const layer of keepLayers) {
          const width = widths[layer]!;
          const values = (await outputs[layer]!.data()) as Float32Array;
          const target = hidden[layer]!;
          for (let k = firstKept; k < cursor; k++) {
            const row = keepRows[k]! - start;
            target.set(values.subarray(row * width, (row + 1) * width), k * width);
          }
        }
      }
    } finally {
      tf.dispose(outputs);
    }
  }
  if (cursor !== keepRows.length) throw new RangeError(`keepRows must be ascending indices below ${n}`);
  return { probs, hidden, widths };
}

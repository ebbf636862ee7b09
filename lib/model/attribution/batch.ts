// Gradient × input for many digits at once, averaged: the pair pages' mean attribution maps.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { IMAGE_PIXELS, IMAGE_SIDE } from "../../core/constants";
import { classGradients } from "./logits";

/** Rows per backward pass: bounds the activations held at once (the CNN's first conv output is 86 kB per digit). */
const CHUNK = 256;

/**
 * The mean over rows of pixel × ∂ logit[classes[i]] / ∂ pixel for `pixels` [n * 784] on the 0..1 scale: [784], all
 * zeros when n is 0. Each row is explained for its own class (e.g. the class the model predicted for it).
 */
export async function meanInputAttribution(
  model: tf.LayersModel,
  pixels: Float32Array,
  classes: Int32Array,
): Promise<Float32Array> {
  const n = classes.length;
  if (pixels.length !== n * IMAGE_PIXELS)
    throw new RangeError(`pixels has ${pixels.length} values for ${n} digits, expected ${n * IMAGE_PIXELS}`);
  const mean = new Float32Array(IMAGE_PIXELS);
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    const rows = pixels.subarray(start * IMAGE_PIXELS, end * IMAGE_PIXELS);
    const x = tf.tensor3d(rows, [end - start, IMAGE_SIDE, IMAGE_SIDE]);
    const grads = classGradients(model, x, classes.subarray(start, end));
    x.dispose();
    const g = (await grads.data()) as Float32Array;
    grads.dispose();
    for (let k = 0; k < g.length; k++) mean[k % IMAGE_PIXELS]! += (g[k]! * rows[k]!) / n;
  }
  return mean;
}

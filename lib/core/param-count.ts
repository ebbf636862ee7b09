// Parameter count and forward-pass cost of an architecture, computed from its shape alone (no tfjs):
// shown on the admin form before a job is queued, and the basis of the time estimate.
import { IMAGE_PIXELS as PIXELS, NUM_CLASSES as CLASSES } from "./constants";
import type { Architecture } from "./train-config";

const KERNEL = 3 * 3;

/** Side of a 3x3 "valid" convolution's output followed by a 2x2 max-pool, as tf.layers computes them. */
function convPoolSide(side: number): { conv: number; pooled: number } {
  const conv = side - 2;
  return { conv, pooled: Math.floor(conv / 2) };
}

/** Dense layer sizes [in, out] in order, for the MLP or the CNN's head. */
function denseShapes(architecture: Architecture): Array<[number, number]> {
  if (architecture.kind === "mlp") {
    const widths = [PIXELS, ...architecture.hidden, CLASSES];
    return widths.slice(1).map((out, i) => [widths[i]!, out]);
  }
  const second = convPoolSide(convPoolSide(28).pooled);
  const flat = second.pooled * second.pooled * architecture.filters[1];
  return [
    [flat, architecture.dense],
    [architecture.dense, CLASSES],
  ];
}

/** Trainable parameters (weights + biases), equal to tfjs' `model.countParams()` for `createModel(architecture)`. */
export function countParams(architecture: Architecture): number {
  let total = denseShapes(architecture).reduce((sum, [input, output]) => sum + input * output + output, 0);
  if (architecture.kind === "cnn") {
    const [f1, f2] = architecture.filters;
    total += KERNEL * 1 * f1 + f1 + KERNEL * f1 * f2 + f2;
  }
  return total;
}

/**
 * Floating-point operations of one digit's forward pass (2 per multiply-add of Dense and Conv layers;
 * biases, activations and pooling are negligible). Training costs about 3x this (forward + two backward products).
 */
export function forwardFlopsPerDigit(architecture: Architecture): number {
  let flops = denseShapes(architecture).reduce((sum, [input, output]) => sum + 2 * input * output, 0);
  if (architecture.kind === "cnn") {
    const [f1, f2] = architecture.filters;
    const first = convPoolSide(28);
    const second = convPoolSide(first.pooled);
    flops += 2 * first.conv * first.conv * f1 * KERNEL * 1;
    flops += 2 * second.conv * second.conv * f2 * KERNEL * f1;
  }
  return flops;
}

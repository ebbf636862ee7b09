// The logits (the softmax's input) of a stored classifier, as a differentiable function of its input.
import "server-only";
import * as tf from "@tensorflow/tfjs";

/**
 * Logits [n, 10] of `model` (createModel's MLP or CNN: every layer but the last, then the last Dense layer without
 * its softmax) for `x` [n, 28, 28] on the 0..1 pixel scale. Layers run in inference mode (dropout off). Call inside
 * tf.tidy or tf.grad: the intermediate tensors are not disposed here.
 */
export function logitsOf(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  const layers = model.layers;
  const last = layers[layers.length - 1];
  if (!last || last.getClassName() !== "Dense")
    throw new RangeError(`the model's last layer must be Dense, got ${last?.getClassName() ?? "none"}`);
  let h = x;
  for (const layer of layers.slice(0, -1)) h = layer.apply(h, { training: false }) as tf.Tensor;
  const [kernel, bias] = last.getWeights();
  const z = tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D);
  return (bias ? tf.add(z, bias) : z) as tf.Tensor2D;
}

/**
 * ∂ logit[i, classes[i]] / ∂ x[i] for every row i of `x` [n, 28, 28]: one backward pass over the batch (rows are
 * independent, so the gradient of the sum of the chosen logits is each row's own gradient). Returns [n, 28, 28];
 * the caller disposes it.
 */
export function classGradients(model: tf.LayersModel, x: tf.Tensor3D, classes: Int32Array): tf.Tensor3D {
  if (classes.length !== x.shape[0])
    throw new RangeError(`classes has ${classes.length} entries for ${x.shape[0]} rows`);
  return tf.tidy(() => {
    const mask = tf.oneHot(tf.tensor1d(classes, "int32"), classCount(model)).toFloat();
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(logitsOf(model, input), mask)));
    return grad(x) as tf.Tensor3D;
  });
}

function classCount(model: tf.LayersModel): number {
  const shape = model.outputs[0]!.shape;
  return shape[shape.length - 1] ?? 10;
}

/** The logits of `x` [n, 28, 28] as a plain [n, 10] array. */
export async function readLogits(model: tf.LayersModel, x: tf.Tensor3D): Promise<Float32Array> {
  const z = tf.tidy(() => logitsOf(model, x));
  try {
    return (await z.data()) as Float32Array;
  } finally {
    z.dispose();
  }
}

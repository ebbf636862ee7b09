// Builds a fresh, compiled-free tfjs model for an architecture: the seed MLP or the CNN preset.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../core/train-config";
import { IMAGE_SIDE, NUM_CLASSES } from "../core/constants";

/**
 * Input [batch, 28, 28] (the seed flattens inside the model), output [batch, 10] softmax.
 * Layers are named as Keras would print them (dense_1, dropout_1, ...) so the summary reads like the seed's.
 * Hidden Dense layers (all but the output) are the ones whose activations are recorded.
 * The seed offsets of later layers do not depend on `seededDropout`, so both variants start from the same weights.
 */
export function createModel(
  architecture: Architecture,
  seed: number,
  options: { seededDropout?: boolean } = {},
): tf.Sequential {
  let seedOffset = 0;
  const init = () => tf.initializers.glorotUniform({ seed: seed + seedOffset++ });
  const model = tf.sequential();
  let dense = 0;
  let dropout = 0;
  const addDense = (units: number, activation: "relu" | "softmax", inputShape?: number[]) =>
    model.add(
      tf.layers.dense({
        units,
        activation,
        kernelInitializer: init(),
        name: `dense_${++dense}`,
        ...(inputShape ? { inputShape } : {}),
      }),
    );
  const addDropout = (rate: number) => {
    // Unseeded by default: tfjs-layers 4.22 reuses one mask for every batch when a Dropout layer is seeded.
    // `seededDropout` keeps that fixed mask for tests that compare two backends' maths step by step.
    const dropoutSeed = seed + seedOffset++;
    if (rate > 0)
      model.add(
        tf.layers.dropout({
          rate,
          name: `dropout_${++dropout}`,
          ...(options.seededDropout ? { seed: dropoutSeed } : {}),
        }),
      );
  };

  if (architecture.kind === "mlp") {
    model.add(tf.layers.flatten({ inputShape: [IMAGE_SIDE, IMAGE_SIDE], name: "flatten_1" }));
    for (const units of architecture.hidden) {
      addDense(units, "relu");
      addDropout(architecture.dropout);
    }
  } else {
    model.add(
      tf.layers.reshape({
        targetShape: [IMAGE_SIDE, IMAGE_SIDE, 1],
        inputShape: [IMAGE_SIDE, IMAGE_SIDE],
        name: "reshape_1",
      }),
    );
    architecture.filters.forEach((filters, i) => {
      model.add(
        tf.layers.conv2d({
          filters,
          kernelSize: 3,
          activation: "relu",
          kernelInitializer: init(),
          name: `conv2d_${i + 1}`,
        }),
      );
      model.add(tf.layers.maxPooling2d({ poolSize: 2, name: `max_pooling2d_${i + 1}` }));
    });
    model.add(tf.layers.flatten({ name: "flatten_1" }));
    addDense(architecture.dense, "relu");
    addDropout(architecture.dropout);
  }
  addDense(NUM_CLASSES, "softmax");
  return model;
}

/** The hidden Dense layers: every Dense layer but the last (output) one. */
export function hiddenDenseLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const dense = model.layers.filter((layer) => layer.getClassName() === "Dense");
  return dense.slice(0, -1);
}

/**
 * A model sharing `model`'s weights whose outputs are each hidden Dense layer's activations
 * followed by the softmax output: one forward pass gives embeddings and predictions.
 */
export function createProbeModel(model: tf.LayersModel): tf.LayersModel {
  const outputs = [...hiddenDenseLayers(model), model.layers[model.layers.length - 1]!].map(
    (layer) => layer.output as tf.SymbolicTensor,
  );
  return tf.model({ inputs: model.inputs, outputs });
}

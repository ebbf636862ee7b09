// Builds a fresh, compiled-free tfjs model for an architecture: the seed MLP or the CNN preset.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../core/train-config";
import { IMAGE_SIDE, NUM_CLASSES } from "../core/constants";

/**
 * Input [batch, 28, 28] (the seed flattens inside the model), output [batch, 10] softmax.
 * Layers are named as Keras would print them (dense_1, dropout_1, ...) so the summary reads like the seed's.
 * Each conv block's pooled output and the hidden Dense layers are the ones whose activations are recorded
 * (createProbeModel).
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
 * Values per digit a conv block's recorded output may hold: a larger one is max-pooled 2×2 again ("same" padding)
 * until it fits. 2,048 float32 values are 16.4 MB per epoch at the default probe of 2,000 digits; the CNN preset
 * records 1,568 + 1,600 + 128 values per digit, 26.4 MB (docs/cnn.md says why).
 */
export const MAX_BLOCK_VALUES = 2048;

/** One recorded layer: its name as stored with the embedding, and the values recorded per digit. */
export interface ProbeLayer {
  /** The model's layer name; "max_pooling2d_1 (pooled 2×2)" when a conv block's output was reduced to fit. */
  name: string;
  width: number;
}

/** A model sharing a trained model's weights whose outputs are the recorded layers' activations, then the softmax. */
export interface ProbeModel {
  model: tf.LayersModel;
  /** The recorded layers, in the order of `model.outputs` (the softmax, last, is not among them). */
  layers: ProbeLayer[];
}

function valuesPerDigit(shape: readonly (number | null)[]): number {
  return shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
}

/**
 * Every conv block's output (its MaxPooling2D layer, flattened), reduced to at most MAX_BLOCK_VALUES per digit,
 * then every hidden Dense layer: the seed MLP records dense_1..3 as it always has. The added pooling and flattening
 * layers have no weights, so the probe model stays a view of the trained one.
 */
export function createProbeModel(model: tf.LayersModel): ProbeModel {
  const layers: ProbeLayer[] = [];
  const outputs: tf.SymbolicTensor[] = [];
  for (const layer of model.layers.filter((l) => l.getClassName() === "MaxPooling2D")) {
    let output = layer.output as tf.SymbolicTensor;
    let side = 1;
    while (valuesPerDigit(output.shape) > MAX_BLOCK_VALUES) {
      side *= 2;
      output = tf.layers
        .maxPooling2d({ poolSize: 2, padding: "same", name: `${layer.name}_probe_pool${side}` })
        .apply(output) as tf.SymbolicTensor;
    }
    output = tf.layers.flatten({ name: `${layer.name}_probe_flatten` }).apply(output) as tf.SymbolicTensor;
    outputs.push(output);
    layers.push({
      name: side === 1 ? layer.name : `${layer.name} (pooled ${side}×${side})`,
      width: valuesPerDigit(output.shape),
    });
  }
  for (const layer of hiddenDenseLayers(model)) {
    const output = layer.output as tf.SymbolicTensor;
    outputs.push(output);
    layers.push({ name: layer.name, width: valuesPerDigit(output.shape) });
  }
  outputs.push(model.layers[model.layers.length - 1]!.output as tf.SymbolicTensor);
  return { model: tf.model({ inputs: model.inputs, outputs }), layers };
}

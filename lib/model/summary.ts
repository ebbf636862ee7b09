// The model summary as data (what Keras' model.summary() prints), for the database and the dashboard.
import type { LayersModel } from "@tensorflow/tfjs";

export interface ModelSummaryRow {
  name: string;
  /** Keras class name: Dense, Dropout, Flatten, Conv2D, ... */
  type: string;
  /** Output shape without the batch dimension, e.g. [512]. */
  outputShape: number[];
  params: number;
}

export function summarizeModel(model: LayersModel): ModelSummaryRow[] {
  return model.layers.map((layer) => {
    const shape = layer.outputShape as (number | null)[];
    return {
      name: layer.name,
      type: layer.getClassName(),
      outputShape: shape.slice(1).map((d) => d ?? -1),
      params: layer.countParams(),
    };
  });
}

export function totalParams(rows: readonly ModelSummaryRow[]): number {
  return rows.reduce((sum, row) => sum + row.params, 0);
}

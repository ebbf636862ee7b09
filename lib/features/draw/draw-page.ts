// What the /draw page needs of the database: the run picker's runs and, for the chosen run, where its model, layer
// and layout are served from.
import "server-only";
import type { Db } from "../../db/client";
import { getLastTestLayerShape, listDrawableRuns, type DrawableRun } from "../../db/draw";
import { listProjections } from "../../db/projections";
import { loadMnist } from "../../mnist/dataset";
import { bytesToDigits } from "../../chart/scatter-view";
import { fetchModelToken, modelUrl } from "./model-files";

/** The chosen run as the playground's client component takes it: plain values only. */
export interface DrawRunView {
  id: number;
  name: string;
  testSize: number;
  /** Versioned model.json URL (tf.loadLayersModel's argument). */
  modelUrl: string;
  /** The last hidden layer whose test embedding is stored: the neighbours' space; null when none is stored. */
  layer: { index: number; name: string; width: number } | null;
  /** The final t-SNE of the test subset in that layer (float32 [testSize, 2]), or null when not computed. */
  layoutUrl: string | null;
  /** True labels of test digits 0..testSize-1, one character each. */
  labels: string;
}

export interface DrawPage {
  runs: DrawableRun[];
  selected: DrawRunView | null;
}

/** The runs to pick from and the chosen one (the newest when `runId` is null or not among them). */
export async function fetchDrawPage(db: Db, runId: number | null): Promise<DrawPage> {
  const runs = await listDrawableRuns(db);
  const run = runs.find((r) => r.id === runId) ?? runs[0];
  if (!run) return { runs, selected: null };
  const [token, layer, projections] = await Promise.all([
    fetchModelToken(db, run.id),
    getLastTestLayerShape(db, run.id),
    listProjections(db, run.id),
  ]);
  if (token === null) return { runs, selected: null };
  const layout = layer
    ? projections.find(
        (p) =>
          p.subset === "test" && p.epoch === 0 && p.layerIndex === layer.layerIndex && p.method === "tsne" && p.final,
      )
    : undefined;
  const query = layout
    ? new URLSearchParams({
        subset: "test",
        layer: String(layout.layerIndex),
        method: "tsne",
        epoch: "0",
        iteration: String(layout.iteration),
      })
    : null;
  return {
    runs,
    selected: {
      id: run.id,
      name: run.name,
      testSize: run.testSize,
      modelUrl: modelUrl(run.id, token),
      layer: layer && { index: layer.layerIndex, name: layer.layerName, width: layer.cols },
      layoutUrl: query && `/api/runs/${run.id}/projections?${query.toString()}`,
      labels: bytesToDigits(loadMnist().test.labels.subarray(0, run.testSize)),
    },
  };
}

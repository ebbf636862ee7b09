// The embedding explorer's catalog: every stored layout grouped into series, and how many layouts are still missing.
import "server-only";
import type { Db } from "../../db/client";
import { listProjectionFrames } from "../../db/explorer";
import { listLayerNames } from "../../db/embeddings";
import { buildSeries, type SeriesInfo } from "../../chart/scatter-view";
import { listSources } from "../projection/sources";

/** Every projection series of a run (metadata only, no coordinates), with the layers' model names. */
export async function fetchExplorerSeries(db: Db, runId: number): Promise<SeriesInfo[]> {
  const [rows, layerNames] = await Promise.all([listProjectionFrames(db, runId), listLayerNames(db, runId)]);
  return buildSeries(rows, layerNames);
}

/** How many of the run's possible final layouts (PCA and t-SNE of every recorded embedding and of pixels) are not stored yet. */
export async function countMissingProjections(
  db: Db,
  runId: number,
  series: readonly SeriesInfo[],
): Promise<{ missing: number; total: number }> {
  const have = new Set(
    series.flatMap((s) =>
      s.frames.filter((f) => f.final).map((f) => `${s.subset}/${f.epoch}/${s.layerIndex}/${s.method}`),
    ),
  );
  const wanted = (await listSources(db, runId)).flatMap((src) =>
    ["pca", "tsne"].map((m) => `${src.subset}/${src.epoch}/${src.layerIndex}/${m}`),
  );
  return { missing: wanted.filter((k) => !have.has(k)).length, total: wanted.length };
}

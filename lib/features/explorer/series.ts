// The embedding explorer's catalog: every stored layout grouped into series, and how much of the run is projected.
import "server-only";
import type { Db } from "../../db/client";
import { listProjectionCatalog } from "../../db/projection-index";
import { listLayerNames } from "../../db/embeddings";
import { buildSeries, type SeriesInfo } from "../../chart/scatter-view";
import type { ProjectionMethod } from "../../core/projection";
import type { ProjectionSource } from "../projection/sources";

/** Every projection series of a run (metadata only, no coordinates), with the layers' model names. */
export async function fetchExplorerSeries(db: Db, runId: number): Promise<SeriesInfo[]> {
  const [rows, layerNames] = await Promise.all([listProjectionCatalog(db, runId), listLayerNames(db, runId)]);
  return buildSeries(rows, layerNames);
}

/** How far a run's layouts are: each method's final layouts of every source, and the leading epochs fully projected. */
export interface LayoutCoverage {
  /** Final PCA and t-SNE layouts of every source (two per source). */
  layouts: { stored: number; total: number };
  /** Final UMAP layouts (one per source). */
  umap: { stored: number; total: number };
  /** Epochs 1..n whose every probe layer has its final PCA and t-SNE layouts. */
  epochsProjected: number;
}

/** Compares the stored final layouts with the run's sources (stored embeddings and the pixels of each subset). */
export function layoutCoverage(
  series: readonly SeriesInfo[],
  sources: readonly Pick<ProjectionSource, "subset" | "epoch" | "layerIndex">[],
): LayoutCoverage {
  const have = new Set(
    series.flatMap((s) =>
      s.frames.filter((f) => f.final).map((f) => `${s.subset}/${f.epoch}/${s.layerIndex}/${s.method}`),
    ),
  );
  const stored = (src: (typeof sources)[number], m: ProjectionMethod) =>
    have.has(`${src.subset}/${src.epoch}/${src.layerIndex}/${m}`);
  const count = (methods: ProjectionMethod[]) => ({
    stored: sources.reduce((n, src) => n + methods.filter((m) => stored(src, m)).length, 0),
    total: sources.length * methods.length,
  });
  const probeEpochs = [...new Set(sources.filter((s) => s.subset === "probe" && s.epoch > 0).map((s) => s.epoch))];
  let epochsProjected = 0;
  for (const epoch of probeEpochs.sort((a, b) => a - b)) {
    const layers = sources.filter((s) => s.subset === "probe" && s.epoch === epoch);
    if (epoch !== epochsProjected + 1 || !layers.every((s) => stored(s, "pca") && stored(s, "tsne"))) break;
    epochsProjected = epoch;
  }
  return { layouts: count(["pca", "tsne"]), umap: count(["umap"]), epochsProjected };
}

// What a run's 2-D layouts are computed from and with: names shared by the data layer, the views and the pages (pure).

/** The probe set (recorded after every epoch) or the evaluated test digits (final model only, epoch 0). */
export type Subset = "probe" | "test";

/** Every layout method, in the order the explorer offers them. */
export const PROJECTION_METHODS = ["pca", "tsne", "umap"] as const;
export type ProjectionMethod = (typeof PROJECTION_METHODS)[number];

export const METHOD_LABELS: Record<ProjectionMethod, string> = { pca: "PCA", tsne: "t-SNE", umap: "UMAP" };

export function isProjectionMethod(value: string): value is ProjectionMethod {
  return (PROJECTION_METHODS as readonly string[]).includes(value);
}

/** One stored layout of a run. */
export interface ProjectionKey {
  subset: Subset;
  epoch: number;
  /** PIXELS_LAYER for raw pixels. */
  layerIndex: number;
  method: ProjectionMethod;
  iteration: number;
}

/** What a layout's Projection.algorithm records: t-SNE's repulsion, or UMAP's optimiser. */
const ALGORITHM_LABELS: Record<string, string> = {
  fft: "FFT interpolation",
  "barnes-hut": "Barnes–Hut",
  sgd: "SGD",
};
/** What Projection.neighbours records: the kNN graph the input affinities came from. */
const NEIGHBOUR_LABELS: Record<string, string> = { exact: "exact kNN", approximate: "approximate kNN" };

/**
 * "t-SNE · FFT interpolation · approximate kNN": the method and what computed it. Null or unknown columns (layouts
 * stored before the columns existed, or by a newer pipeline) are left out or said as "algorithm not recorded".
 */
export function describeAlgorithm(
  method: ProjectionMethod,
  algorithm: string | null | undefined,
  neighbours: string | null | undefined,
): string {
  const parts: string[] = [METHOD_LABELS[method]];
  if (method === "pca") return parts[0]!;
  const algo = algorithm ? (ALGORITHM_LABELS[algorithm] ?? algorithm) : null;
  const knn = neighbours ? (NEIGHBOUR_LABELS[neighbours] ?? `${neighbours} kNN`) : null;
  if (!algo && !knn) return `${parts[0]} · algorithm not recorded`;
  if (algo) parts.push(algo);
  if (knn) parts.push(knn);
  return parts.join(" · ");
}

/** Where a run's layouts stand while its job runs: what the explorer says it is waiting for. */
export interface ProjectionProgress {
  /** The run trains, or its job still runs (pairs, projections): the pages poll for new layouts. */
  active: boolean;
  /** The run itself is still training (status running or queued). */
  training: boolean;
  /** The job's stage (training, pairs, projecting, …) or null for a run without a job. */
  jobStage: string | null;
  epochsPlanned: number;
  epochsRecorded: number;
  /** Leading epochs (1..n) whose every probe layer has its final PCA and t-SNE layouts. */
  epochsProjected: number;
  /** Final PCA and t-SNE layouts of every source (probe layers per epoch, test set, pixels): stored and wanted. */
  layouts: { stored: number; total: number };
  /** Final UMAP layouts of the same sources: stored and wanted. */
  umap: { stored: number; total: number };
}

const STAGE_TEXT: Record<string, string> = {
  starting: "starting",
  training: "training",
  pairs: "computing the pair figures",
  projecting: "projecting",
};

/**
 * A sentence for the progress line: "epoch 5 of 16 projected; training epoch 6". Null when nothing is running
 * (the page then shows what is stored, and what is missing, without a progress line).
 */
export function describeProgress(p: ProjectionProgress): string | null {
  if (!p.active) return null;
  const parts: string[] = [];
  if (p.training) {
    if (p.epochsRecorded > 0)
      parts.push(
        p.epochsProjected > 0
          ? `epoch ${p.epochsProjected} of ${p.epochsPlanned} projected`
          : `no epoch of ${p.epochsPlanned} projected yet`,
      );
    if (p.epochsProjected < p.epochsRecorded) parts.push(`projecting epoch ${p.epochsProjected + 1}`);
    parts.push(
      p.epochsRecorded < p.epochsPlanned
        ? `training epoch ${p.epochsRecorded + 1}${p.epochsRecorded === 0 ? ` of ${p.epochsPlanned}` : ""}`
        : "evaluating the final model",
    );
    return parts.join("; ");
  }
  parts.push(`training done (${p.epochsRecorded} epoch${p.epochsRecorded === 1 ? "" : "s"})`);
  parts.push(
    p.layouts.stored < p.layouts.total
      ? `${p.layouts.stored} of ${p.layouts.total} PCA and t-SNE layouts stored`
      : "every PCA and t-SNE layout stored",
  );
  if (p.umap.stored > 0 && p.umap.stored < p.umap.total)
    parts.push(`UMAP: ${p.umap.stored} of ${p.umap.total} layouts stored`);
  const stage = p.jobStage ? STAGE_TEXT[p.jobStage] : undefined;
  if (stage) parts.push(`the job is ${stage}`);
  return parts.join("; ");
}

// What a run's 2-D layouts are computed from and with: names shared by the data layer, the views and the pages (pure).

/** The probe set (recorded after every epoch) or the evaluated test digits (final model only, epoch 0). */
export type Subset = "probe" | "test";

export type ProjectionMethod = "tsne" | "pca";

/** One stored layout of a run. */
export interface ProjectionKey {
  subset: Subset;
  epoch: number;
  /** PIXELS_LAYER for raw pixels. */
  layerIndex: number;
  method: ProjectionMethod;
  iteration: number;
}

// The columns that pick one source's rows (run, subset, epoch, layer) in the Embedding and Projection tables.
import type { ProjectionKey } from "../core/projection";

/** Which digits and which layer an embedding or a layout is of. */
export type ProjectionSourceKey = Pick<ProjectionKey, "subset" | "epoch" | "layerIndex">;

/** For `.where((eb) => eb.and(sourceColumns(runId, key)))`; spelled out because a caller's key may carry more fields. */
export const sourceColumns = (runId: number, s: { subset: string; epoch: number; layerIndex: number }) => ({
  runId,
  subset: s.subset,
  epoch: s.epoch,
  layerIndex: s.layerIndex,
});

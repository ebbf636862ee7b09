// The UMAP package's only entry: umap(input, options) and its option and result shapes.
export { umap, PCA_DIMENSIONS, type UmapResult } from "./umap";
export type { UmapOptions } from "./options";

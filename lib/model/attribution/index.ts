// Attributions of a stored classifier's logits to its input pixels (tfjs): the package's one entry.
export { classGradients, logitsOf, readLogits } from "./logits";
export { baselineOf, computeAttribution, type AttributionOptions, type AttributionResult } from "./methods";
export { meanInputAttribution } from "./batch";

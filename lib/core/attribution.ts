// Attribution methods, baselines, classes and checkpoints as the inspector, the route and the server name them; pure.
import { z } from "zod";
import { NUM_CLASSES } from "./constants";

export const ATTRIBUTION_METHODS = [
  "gradient",
  "gradient-input",
  "integrated-gradients",
  "smoothgrad",
  "occlusion",
] as const;
export type AttributionMethod = (typeof ATTRIBUTION_METHODS)[number];

export const BASELINES = ["black", "blurred"] as const;
export type BaselineKind = (typeof BASELINES)[number];

/**
 * The fixed settings of each method, stated beside every map. f is the class's logit (the softmax's input), not its
 * probability: a confident digit's probability is saturated near 1, so its gradient all but vanishes, and a class's
 * probability moves with every other logit; the logit's map is the class's own evidence, and the difference of two
 * classes' maps is the map of log(p_a / p_b).
 */
export const ATTRIBUTION_SETTINGS = {
  /** Integrated gradients: Riemann midpoint rule over this many points of the straight path, one batch. */
  integratedGradientsSteps: 50,
  /** SmoothGrad: noisy copies averaged, one batch. */
  smoothGradSamples: 50,
  /** SmoothGrad: the noise's standard deviation on the 0..1 pixel scale (15 % of the range, Smilkov et al.). */
  smoothGradSigma: 0.15,
  /** Occlusion: the square patch's side and its stride, pixels; the patch holds the baseline's values. */
  occlusionPatch: 4,
  occlusionStride: 2,
  /** The blurred baseline: a Gaussian blur of the digit with this standard deviation, pixels. */
  blurSigma: 4,
  /** SmoothGrad's noise seed: the same request always gives the same map, so it can be cached. */
  noiseSeed: 1,
} as const;

export const METHOD_LABELS: Record<AttributionMethod, string> = {
  gradient: "vanilla gradient",
  "gradient-input": "gradient × input",
  "integrated-gradients": "integrated gradients",
  smoothgrad: "SmoothGrad",
  occlusion: "occlusion",
};

/** What the map of `method` is, with its settings, as one sentence for the page. */
export function describeMethod(method: AttributionMethod, baseline: BaselineKind): string {
  const s = ATTRIBUTION_SETTINGS;
  switch (method) {
    case "gradient":
      return "∂ logit / ∂ pixel at the digit";
    case "gradient-input":
      return "pixel × ∂ logit / ∂ pixel";
    case "integrated-gradients":
      return `(x − x′) × the mean gradient over ${s.integratedGradientsSteps} midpoints of the path from the ${baseline} baseline x′`;
    case "smoothgrad":
      return `mean gradient over ${s.smoothGradSamples} copies with Gaussian noise σ = ${s.smoothGradSigma}`;
    case "occlusion":
      return `drop of the logit when a ${s.occlusionPatch}×${s.occlusionPatch} patch (stride ${s.occlusionStride}) is replaced by the ${baseline} baseline, averaged over the patches covering a pixel`;
  }
}

/** Whether `method` uses a baseline (the others ignore the picker). */
export function usesBaseline(method: AttributionMethod): boolean {
  return method === "integrated-gradients" || method === "occlusion";
}

/** "best" (the restored best checkpoint) or "epoch-N" (the weights after epoch N, when the run kept them). */
export const CHECKPOINT_KIND = /^(best|epoch-([1-9][0-9]{0,2}))$/;

export function epochCheckpointKind(epoch: number): string {
  return `epoch-${epoch}`;
}

/** The epoch of an "epoch-N" kind, or null for "best" and anything else. */
export function epochOfKind(kind: string): number | null {
  const m = CHECKPOINT_KIND.exec(kind);
  return m?.[2] ? Number(m[2]) : null;
}

/** The class whose logit is explained: the checkpoint's own prediction, the true label, or a given class. */
export type ClassChoice = "predicted" | "true" | number;

/** The attribution route's query. */
export const attributionQuerySchema = z.object({
  method: z.enum(ATTRIBUTION_METHODS, { message: `one of ${ATTRIBUTION_METHODS.join(", ")}` }),
  class: z
    .string()
    .regex(/^(predicted|true|[0-9])$/, { message: `predicted, true or a class 0 to ${NUM_CLASSES - 1}` })
    .default("predicted")
    .transform((c): ClassChoice => (c === "predicted" || c === "true" ? c : Number(c))),
  baseline: z.enum(BASELINES, { message: `one of ${BASELINES.join(", ")}` }).default("black"),
  checkpoint: z.string().regex(CHECKPOINT_KIND, { message: "best or epoch-N (N from 1)" }).default("best"),
});
export type AttributionQuery = z.infer<typeof attributionQuerySchema>;

/** The query string of an attribution request, in the route's parameter names. */
export function attributionSearch(q: {
  method: AttributionMethod;
  classChoice: ClassChoice;
  baseline: BaselineKind;
  checkpoint: string;
}): string {
  const params = new URLSearchParams({
    method: q.method,
    class: String(q.classChoice),
    baseline: q.baseline,
    checkpoint: q.checkpoint,
  });
  return `?${params.toString()}`;
}

/** The metadata sent beside a map (as response headers), parsed back by the inspector. */
export interface AttributionMeta {
  method: AttributionMethod;
  baseline: BaselineKind;
  /** The explained class, resolved ("predicted" becomes the checkpoint's prediction). */
  targetClass: number;
  /** The checkpoint's predicted class for the digit. */
  predicted: number;
  checkpoint: string;
  checkpointEpoch: number;
  /** f(x): the explained class's logit at the digit. */
  logit: number;
  /** f(baseline) for integrated gradients, else null. */
  baselineLogit: number | null;
  /** |Σ attr − (f(x) − f(x′))| / |f(x) − f(x′)| for integrated gradients, else null. */
  completenessError: number | null;
  sum: number;
  computeMs: number;
  cache: "hit" | "miss";
}

export const ATTRIBUTION_HEADER = "X-Attribution";

/** Metadata as one JSON header value (ASCII only: numbers and fixed names). */
export function encodeAttributionMeta(meta: AttributionMeta): string {
  return JSON.stringify(meta);
}

export function decodeAttributionMeta(text: string | null): AttributionMeta | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as AttributionMeta;
  } catch {
    return null;
  }
}

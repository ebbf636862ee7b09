// The attribution methods for one digit, each batched into one tensor: gradient, gradient × input, integrated
// gradients, SmoothGrad, occlusion.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { IMAGE_PIXELS, IMAGE_SIDE } from "../../core/constants";
import { ATTRIBUTION_SETTINGS, type AttributionMethod, type BaselineKind } from "../../core/attribution";
import { gaussianBlur } from "../../numeric/blur";
import { createRng } from "../../numeric/random";
import { classGradients, readLogits } from "./logits";

export interface AttributionOptions {
  method: AttributionMethod;
  /** The class whose logit is explained, 0..9. */
  targetClass: number;
  /** Integrated gradients' start and occlusion's fill; default black. */
  baseline?: BaselineKind;
  /** Integrated gradients' points on the path (default ATTRIBUTION_SETTINGS.integratedGradientsSteps, 1..1000). */
  steps?: number;
  /** Integrated gradients' quadrature: midpoint (default, `steps` gradients) or trapezoid (`steps` + 1). */
  rule?: "midpoint" | "trapezoid";
  /** SmoothGrad's samples (default 50, 1..1000) and noise σ on the 0..1 scale (default 0.15). */
  samples?: number;
  sigma?: number;
  /** Occlusion's patch side and stride in pixels (defaults 4 and 2). */
  patch?: number;
  stride?: number;
}

export interface AttributionResult {
  /** [784] attribution per pixel, row-major, in logit units (gradients: logit per unit of pixel on the 0..1 scale). */
  values: Float32Array;
  /** The model's logits [10] at the digit, and its argmax. */
  logits: Float32Array;
  predicted: number;
  /** f(baseline): the target's logit at the baseline, integrated gradients only. */
  baselineLogit: number | null;
  /** |Σ values − (f(x) − f(x′))| / |f(x) − f(x′)|, integrated gradients only. */
  completenessError: number | null;
}

/** The baseline image [784] for `pixels` (0..1): all black, or the digit blurred (ATTRIBUTION_SETTINGS.blurSigma). */
export function baselineOf(pixels: Float32Array, kind: BaselineKind): Float32Array {
  return kind === "black"
    ? new Float32Array(IMAGE_PIXELS)
    : gaussianBlur(pixels, IMAGE_SIDE, ATTRIBUTION_SETTINGS.blurSigma);
}

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 1000)
    throw new RangeError(`${name} must be an integer from 1 to 1000, got ${value}`);
  return value;
}

/** Row-wise gradients of the target's logit at `rows` [n * 784] on the 0..1 scale: [n * 784]. */
async function gradientsAt(model: tf.LayersModel, rows: Float32Array, target: number): Promise<Float32Array> {
  const n = rows.length / IMAGE_PIXELS;
  const x = tf.tensor3d(rows, [n, IMAGE_SIDE, IMAGE_SIDE]);
  const grads = classGradients(model, x, new Int32Array(n).fill(target));
  x.dispose();
  try {
    return (await grads.data()) as Float32Array;
  } finally {
    grads.dispose();
  }
}

async function logitsAt(model: tf.LayersModel, rows: Float32Array): Promise<Float32Array> {
  const x = tf.tensor3d(rows, [rows.length / IMAGE_PIXELS, IMAGE_SIDE, IMAGE_SIDE]);
  try {
    return await readLogits(model, x);
  } finally {
    x.dispose();
  }
}

/** Σ over rows of weights[r] × rows[r] [784]. */
function weightedRowSum(rows: Float32Array, weights: ArrayLike<number>): Float32Array {
  const out = new Float32Array(IMAGE_PIXELS);
  for (let r = 0; r < weights.length; r++) {
    const w = weights[r]!;
    const base = r * IMAGE_PIXELS;
    for (let i = 0; i < IMAGE_PIXELS; i++) out[i]! += w * rows[base + i]!;
  }
  return out;
}

/** Standard normal samples from a seeded uniform source (Box–Muller). */
function gaussianNoise(count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** The top-left corners of the occlusion patches along one axis: 0, stride, …, and the last that fits. */
function patchStarts(patch: number, stride: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s + patch <= IMAGE_SIDE; s += stride) starts.push(s);
  if (starts.at(-1)! + patch < IMAGE_SIDE) starts.push(IMAGE_SIDE - patch);
  return starts;
}

/**
 * The attribution of `options.targetClass`'s logit for one digit `pixels` [784] on the 0..1 scale under `model`.
 * Every method evaluates the model once per batch: the 50 points of integrated gradients, the SmoothGrad copies and
 * the occluded copies each go in as one tensor.
 */
export async function computeAttribution(
  model: tf.LayersModel,
  pixels: Float32Array,
  options: AttributionOptions,
): Promise<AttributionResult> {
  if (pixels.length !== IMAGE_PIXELS) throw new RangeError(`pixels has ${pixels.length} values, expected 784`);
  const target = options.targetClass;
  if (!Number.isInteger(target) || target < 0 || target > 9)
    throw new RangeError(`targetClass must be an integer from 0 to 9, got ${target}`);
  const s = ATTRIBUTION_SETTINGS;
  const logits = await logitsAt(model, pixels);
  let predicted = 0;
  for (let c = 1; c < logits.length; c++) if (logits[c]! > logits[predicted]!) predicted = c;
  const fx = logits[target]!;
  const baseline = baselineOf(pixels, options.baseline ?? "black");
  const result = (values: Float32Array, extra: Partial<AttributionResult> = {}): AttributionResult => ({
    values,
    logits,
    predicted,
    baselineLogit: null,
    completenessError: null,
    ...extra,
  });

  switch (options.method) {
    case "gradient":
      return result(await gradientsAt(model, pixels, target));
    case "gradient-input": {
      const g = await gradientsAt(model, pixels, target);
      for (let i = 0; i < IMAGE_PIXELS; i++) g[i]! *= pixels[i]!;
      return result(g);
    }
    case "integrated-gradients": {
      const steps = checkCount("steps", options.steps ?? s.integratedGradientsSteps);
      const trapezoid = options.rule === "trapezoid";
      const count = trapezoid ? steps + 1 : steps;
      const alphas = Array.from({ length: count }, (_, k) => (trapezoid ? k / steps : (k + 0.5) / steps));
      const weights = alphas.map((_, k) => (trapezoid && (k === 0 || k === steps) ? 0.5 : 1) / steps);
      const path = new Float32Array(count * IMAGE_PIXELS);
      for (let k = 0; k < count; k++)
        for (let i = 0; i < IMAGE_PIXELS; i++)
          path[k * IMAGE_PIXELS + i] = baseline[i]! + alphas[k]! * (pixels[i]! - baseline[i]!);
      const meanGrad = weightedRowSum(await gradientsAt(model, path, target), weights);
      let sum = 0;
      for (let i = 0; i < IMAGE_PIXELS; i++) sum += meanGrad[i]! *= pixels[i]! - baseline[i]!;
      const fb = (await logitsAt(model, baseline))[target]!;
      const delta = fx - fb;
      return result(meanGrad, {
        baselineLogit: fb,
        completenessError:
          delta === 0 ? (sum === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(sum - delta) / Math.abs(delta),
      });
    }
    case "smoothgrad": {
      const samples = checkCount("samples", options.samples ?? s.smoothGradSamples);
      const sigma = options.sigma ?? s.smoothGradSigma;
      if (!(sigma >= 0 && sigma <= 1)) throw new RangeError(`sigma must be from 0 to 1, got ${sigma}`);
      const noisy = gaussianNoise(samples * IMAGE_PIXELS, s.noiseSeed);
      for (let i = 0; i < noisy.length; i++) noisy[i] = pixels[i % IMAGE_PIXELS]! + sigma * noisy[i]!;
      const grads = await gradientsAt(model, noisy, target);
      return result(weightedRowSum(grads, new Float32Array(samples).fill(1 / samples)));
    }
    case "occlusion": {
      const patch = options.patch ?? s.occlusionPatch;
      const stride = options.stride ?? s.occlusionStride;
      if (!Number.isInteger(patch) || patch < 1 || patch > IMAGE_SIDE)
        throw new RangeError(`patch must be an integer from 1 to ${IMAGE_SIDE}, got ${patch}`);
      if (!Number.isInteger(stride) || stride < 1 || stride > IMAGE_SIDE)
        throw new RangeError(`stride must be an integer from 1 to ${IMAGE_SIDE}, got ${stride}`);
      const starts = patchStarts(patch, stride);
      const corners = starts.flatMap((r) => starts.map((c) => [r, c] as const));
      const copies = new Float32Array(corners.length * IMAGE_PIXELS);
      corners.forEach(([r0, c0], k) => {
        const base = k * IMAGE_PIXELS;
        copies.set(pixels, base);
        for (let r = r0; r < r0 + patch; r++)
          for (let c = c0; c < c0 + patch; c++) copies[base + r * IMAGE_SIDE + c] = baseline[r * IMAGE_SIDE + c]!;
      });
      const occluded = await logitsAt(model, copies);
      const classes = logits.length;
      const total = new Float32Array(IMAGE_PIXELS);
      const covered = new Float32Array(IMAGE_PIXELS);
      corners.forEach(([r0, c0], k) => {
        const drop = fx - occluded[k * classes + target]!;
        for (let r = r0; r < r0 + patch; r++)
          for (let c = c0; c < c0 + patch; c++) {
            total[r * IMAGE_SIDE + c]! += drop;
            covered[r * IMAGE_SIDE + c]! += 1;
          }
      });
      for (let i = 0; i < IMAGE_PIXELS; i++) total[i] = covered[i]! > 0 ? total[i]! / covered[i]! : 0;
      return result(total);
    }
  }
}

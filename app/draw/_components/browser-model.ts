"use client";
// The chosen run's model in the browser: tfjs on its wasm backend (cpu when wasm cannot start), loaded from the
// checkpoint's model.json, giving per drawing the class probabilities, the last hidden layer's activations and the
// top class's gradient × input.
import type * as Tf from "@tensorflow/tfjs";
import { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES } from "@/lib/core/constants";

/** What one drawing gets: probabilities [10], activations of the last hidden layer [width], attribution [784]. */
export interface DrawingPrediction {
  probs: Float32Array;
  top: number;
  hidden: Float32Array;
  /** ∂ logit(top) / ∂ pixel × pixel, [784] row-major: positive where ink speaks for the top class. */
  attribution: Float32Array;
  durationMs: number;
}

export interface BrowserModel {
  /** The backend tfjs runs on: "wasm", or "cpu" when wasm did not start. */
  backend: string;
  loadMs: number;
  predict(pixels: Float32Array): Promise<DrawingPrediction>;
  dispose(): void;
}

let tfReady: Promise<{ tf: typeof Tf; backend: string }> | null = null;

/**
 * tfjs with the wasm backend, once per page: the binaries come from this server (/api/tfjs-wasm/), never a CDN.
 * setBackend answers false (or throws) when WebAssembly cannot start, e.g. under a CSP without 'wasm-unsafe-eval':
 * the cpu backend then runs the same maths, slower.
 */
function loadTf(): Promise<{ tf: typeof Tf; backend: string }> {
  tfReady ??= (async () => {
    const tf = await import("@tensorflow/tfjs");
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(`${window.location.origin}/api/tfjs-wasm/`);
    let ok = false;
    try {
      ok = await tf.setBackend("wasm");
    } catch {
      ok = false;
    }
    if (!ok) await tf.setBackend("cpu");
    await tf.ready();
    return { tf, backend: tf.getBackend() };
  })();
  return tfReady;
}

/**
 * Loads the model at `url` (tf.io's model.json; the weights come from beside it). The logit of a class is the
 * output layer's linear part on the last hidden layer (the softmax saturates, so its gradient would vanish on
 * confident drawings); dropout between them is the identity at inference.
 */
export async function loadBrowserModel(url: string): Promise<BrowserModel> {
  const started = performance.now();
  const { tf, backend } = await loadTf();
  const model = await tf.loadLayersModel(url);
  const dense = model.layers.filter((l) => l.getClassName() === "Dense");
  const output = dense[dense.length - 1];
  const hiddenLayer = dense[dense.length - 2];
  if (!output || !hiddenLayer) throw new Error("the model has no hidden Dense layer before its output");
  const hiddenModel = tf.model({ inputs: model.inputs, outputs: hiddenLayer.output as Tf.SymbolicTensor });
  const [kernel, bias] = output.getWeights() as [Tf.Tensor2D, Tf.Tensor1D];
  const logit = (x: Tf.Tensor, cls: number) =>
    tf.tidy(() =>
      (hiddenModel.apply(x, { training: false }) as Tf.Tensor2D)
        .matMul(kernel.slice([0, cls], [-1, 1]))
        .add(bias.slice([cls], [1]))
        .sum(),
    );
  const predict = async (pixels: Float32Array): Promise<DrawingPrediction> => {
    if (pixels.length !== IMAGE_PIXELS)
      throw new RangeError(`a drawing has ${IMAGE_PIXELS} pixels (got ${pixels.length})`);
    const t0 = performance.now();
    const x = tf.tensor3d(pixels, [1, IMAGE_SIDE, IMAGE_SIDE]);
    const [probsT, hiddenT] = tf.tidy(() => [model.predict(x) as Tf.Tensor, hiddenModel.predict(x) as Tf.Tensor]);
    const probs = (await probsT!.data()) as Float32Array;
    const hidden = (await hiddenT!.data()) as Float32Array;
    let top = 0;
    for (let c = 1; c < NUM_CLASSES; c++) if (probs[c]! > probs[top]!) top = c;
    const attributionT = tf.tidy(() =>
      tf
        .grad((input: Tf.Tensor) => logit(input, top))(x)
        .mul(x),
    );
    const attribution = (await attributionT.data()) as Float32Array;
    tf.dispose([x, probsT!, hiddenT!, attributionT]);
    return { probs, top, hidden, attribution, durationMs: performance.now() - t0 };
  };
  // A first call sets up every kernel, the gradient's included (the CNN's first one takes ~10× a later one): the first
  // drawing should not pay for it.
  await predict(new Float32Array(IMAGE_PIXELS));
  const loadMs = performance.now() - started;

  return {
    backend,
    loadMs,
    predict,
    dispose() {
      model.dispose();
    },
  };
}

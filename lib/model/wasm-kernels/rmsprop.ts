// RMSprop whose update runs as one SIMD pass per weight inside the wasm heap, with tfjs's exact maths.
//
// Why: tf.train.rmsprop updates each weight through ~15 element-wise kernels (it even computes the new
// mean square twice), each allocating a tensor and a scalar: 15-20% of a fast-kernel training step for
// the seed network's 932,362 weights. FastRmspropOptimizer keeps the stock class (state variables,
// getWeights/setWeights, config) and replaces only applyGradients on the wasm backend: three new
// tensors are allocated and filled by one pass of rmsprop-update.ts. Results equal the stock
// optimizer's bit for bit (test/model/wasm-kernels/rmsprop.test.ts). It follows the package's switch
// (registration.ts): while the kernels are off, createRmspropOptimizer gives tfjs's own class and an
// optimizer made earlier runs the stock update; so do other backends and the centered variant.
//
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it);
// createRmspropOptimizer takes tf.train.rmsprop's arguments, so its callers switch by name.
import "server-only";
import * as tf from "@tensorflow/tfjs";
import { fastWasmKernelsEnabled } from "./registration";
import { wasmHeapMemory, type WasmBackend } from "./wasm-backend";
import { rmspropKernelFor } from "./rmsprop-update";

/** The stock optimizer's per-weight state (TypeScript-private fields of tf.RMSPropOptimizer). */
interface RmspropState {
  centered: boolean;
  accumulatedMeanSquares: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedMoments: Array<{ originalName: string; variable: tf.Variable } | undefined>;
}

export class FastRmspropOptimizer extends tf.RMSPropOptimizer {
  override applyGradients(variableGradients: tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>): void {
    const state = this as unknown as RmspropState;
    const backend = tf.backend() as unknown as WasmBackend;
    const memory = wasmHeapMemory(backend);
    if (!fastWasmKernelsEnabled() || tf.getBackend() !== "wasm" || state.centered || memory === null) {
      super.applyGradients(variableGradients);
      return;
    }
    const update = rmspropKernelFor(memory);
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((item) => [item.name, item.tensor] as const)
      : Object.entries(variableGradients);
    entries.forEach(([name, gradient], i) => {
      const weight = tf.engine().registeredVariables[name]!;
      // Created exactly as the stock optimizer does, so getWeights/setWeights keep working.
      state.accumulatedMeanSquares[i] ??= {
        originalName: `${name}/rms`,
        variable: tf.tidy(() => tf.zerosLike(weight).variable(false)),
      };
      state.accumulatedMoments[i] ??= {
        originalName: `${name}/momentum`,
        variable: tf.tidy(() => tf.zerosLike(weight).variable(false)),
      };
      if (gradient == null) return;
      const meanSquare = state.accumulatedMeanSquares[i]!.variable;
      const moment = state.accumulatedMoments[i]!.variable;
      const shape = weight.shape;
      const outputs = [0, 1, 2].map(() => backend.makeOutput(shape, "float32"));
      // Byte offsets in the heap; taken after the allocations above (offsets stay valid if the heap grows).
      const at = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
      const [newWeight, newMeanSquare, newMoment] = outputs.map(at) as [number, number, number];
      update(
        at(weight),
        at(gradient),
        at(meanSquare),
        at(moment),
        newWeight,
        newMeanSquare,
        newMoment,
        weight.size,
        this.decay,
        1 - this.decay,
        this.learningRate,
        this.momentum,
        this.epsilon,
      );
      tf.tidy(() => {
        const [w, ms, m] = outputs.map((info) => tf.engine().makeTensorFromTensorInfo(info)) as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
        ];
        meanSquare.assign(ms);
        moment.assign(m);
        weight.assign(w);
      });
    });
    this.incrementIterations();
  }
}

/**
 * tf.train.rmsprop's arguments and results (Keras' ε, 1e-7, by default): FastRmspropOptimizer while the fast
 * kernels are on, tfjs's own RMSPropOptimizer while they are off and for the centered variant.
 */
export function createRmspropOptimizer(
  learningRate: number,
  decay = 0.9,
  momentum = 0,
  epsilon = 1e-7,
  centered = false,
): tf.Optimizer {
  if (fastWasmKernelsEnabled() && !centered) return new FastRmspropOptimizer(learningRate, decay, momentum, epsilon);
  return tf.train.rmsprop(learningRate, decay, momentum, epsilon, centered);
}

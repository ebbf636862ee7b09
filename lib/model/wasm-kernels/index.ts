// Fast kernels for tfjs-backend-wasm's training path, as one package; this file is its only entry point.
//
// While on (wasm backend only) it replaces nine wasm kernels with faster ones: BatchMatMul and _FusedMatMul
// (matmul.ts on gemm.ts and transpose.ts), GatherV2, Identity, Slice and Sum (gather.ts, identity.ts, slice.ts,
// sum.ts), Conv2D (conv2d.ts on gemm.ts and im2col.ts), Conv2DBackpropInput (conv2d-grad.ts) and MaxPoolGrad
// (max-pool-grad.ts). It adds the Conv2DBackpropFilter that tfjs-backend-wasm 4.22 lacks (conv2d-grad.ts), without
// which no convolution trains on wasm, draws training-time Dropout masks itself (dropout.ts) and fuses RMSprop's
// update (rmsprop.ts).
// Each module says why tfjs 4.22's own is slow. registration.ts holds the one switch:
//   - enableFastWasmKernels() after initBackend (lib/model/backend.ts calls it on wasm unless TFJS_FAST_KERNELS=0);
//   - disableFastWasmKernels() puts back all of tfjs's own: the kernels, Dropout's masks and RMSprop's update
//     (and unregisters Conv2DBackpropFilter: lib/model/backend.ts's assertCanTrain then stops a CNN's training);
//   - fastWasmKernelsStatus() says what is on, and whether the products use fused multiply-adds;
//   - createRmspropOptimizer() gives the fused RMSprop while on and tf.train.rmsprop's optimizer while off.
// Nothing saved needs it: models and optimizer weights are the same with it on or off; a run records it only in
// its backend version string.
//
// Removal, once upstream tfjs is fixed: delete this folder and test/model/wasm-kernels/, then what imports this
// file (`grep -rn "wasm-kernels" lib scripts package.json` lists it):
//   - lib/model/backend.ts: the import and the lines using it (initBackend's fastKernels then always false);
//   - lib/features/train/loop.ts: the import; createRmspropOptimizer becomes tf.train.rmsprop (same arguments);
//   - scripts/bench/train-epoch.ts, scripts/bench/train-kernels.ts: the import, their --stock/--no-fma switches and
//     the kernels label they print;
//   - scripts/bench/wasm-kernels.ts and its bench:wasm-kernels script in package.json: they bench only this package;
//   - test/features/train/training.test.ts: the recorded backend version loses its " + mnist-lens fast kernels (fma)".
// That leaves a build on tfjs's own kernels that type-checks and trains, several times slower on wasm.
export {
  disableFastWasmKernels,
  enableFastWasmKernels,
  fastWasmKernelsStatus,
  type FastWasmKernelOptions,
  type FastWasmKernelsStatus,
} from "./registration";
export { createRmspropOptimizer } from "./rmsprop";
export { createFastTranspose } from "./transpose";

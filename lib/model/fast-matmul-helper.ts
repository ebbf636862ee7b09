// A second thread for the fast wasm matMul. The wasm backend is single-threaded in Node; this worker runs
// its own tfjs wasm backend and shares the row blocks of large products with the main thread.
//
// Protocol (one SharedArrayBuffer for A, B and the worker's output rows; Atomics for the rest): the main
// thread posts a job, then both threads claim row blocks from a shared counter until none are left. The
// main thread never waits long for the worker: a block the worker has claimed but not finished in time
// is computed again on the main thread, so a descheduled worker (a busy machine) costs little. Each
// output row is computed by the same XNNPACK kernel over the same k-order in either thread: a product
// split this way equals the unsplit one bit for bit.
import "server-only";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";

/** Slots of the shared control array. */
const STATE = 0;
const ROWS = 1;
const INNER = 2;
const COLS = 3;
const BLOCK_ROWS = 4;
const NEXT_BLOCK = 5;
const JOB = 6;
/** Then one slot per block: the id of the last job whose block the worker finished. */
const BLOCK_DONE = 8;
const MAX_BLOCKS = 64;

/** Values of control[STATE] (0 while the worker starts). */
const IDLE = 1;
const POSTED = 2;
const FAILED = 3;
const QUIT = 4;

/** Floats of shared space for one job (all of A, B and C): 32 MB, ample for 784×512 layers. */
const DEFAULT_CAPACITY_FLOATS = 8 * 1024 * 1024;

// CommonJS run with { eval: true }: no file to resolve or transpile, whatever loads this module (tsx, vitest).
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const tf = require(workerData.tfjsCore);
const wasm = require(workerData.tfjsWasm);
const control = new Int32Array(workerData.control);
const data = new Float32Array(workerData.data);
const [STATE, ROWS, INNER, COLS, BLOCK_ROWS, NEXT_BLOCK, JOB, BLOCK_DONE] = [${STATE}, ${ROWS}, ${INNER}, ${COLS}, ${BLOCK_ROWS}, ${NEXT_BLOCK}, ${JOB}, ${BLOCK_DONE}];
const [IDLE, POSTED, FAILED, QUIT] = [${IDLE}, ${POSTED}, ${FAILED}, ${QUIT}];
const setState = (state) => { Atomics.store(control, STATE, state); Atomics.notify(control, STATE); };
wasm.setWasmPaths(workerData.wasmDir);
tf.setBackend("wasm").then((ok) => {
  if (!ok) return setState(FAILED);
  setState(IDLE);
  for (;;) {
    const state = Atomics.load(control, STATE);
    if (state === QUIT) return;
    if (state !== POSTED) {
      Atomics.wait(control, STATE, state); // sleeps until the main thread changes the state
      continue;
    }
    try {
      const [m, k, n, blockRows, job] = [control[ROWS], control[INNER], control[COLS], control[BLOCK_ROWS], control[JOB]];
      const b = tf.tensor2d(data.subarray(m * k, m * k + k * n), [k, n]);
      for (;;) {
        const block = Atomics.add(control, NEXT_BLOCK, 1);
        const first = block * blockRows;
        if (first >= m) break;
        const rows = Math.min(blockRows, m - first);
        const c = tf.tidy(() => tf.matMul(tf.tensor2d(data.subarray(first * k, (first + rows) * k), [rows, k]), b));
        data.set(tf.backend().typedArrayFromHeap(c), m * k + k * n + first * n); // straight from the wasm heap
        c.dispose();
        Atomics.store(control, BLOCK_DONE + block, job);
        Atomics.notify(control, BLOCK_DONE + block);
      }
      b.dispose();
      setState(IDLE);
    } catch (err) {
      setState(FAILED);
    }
  }
}, () => setState(FAILED));
`;

/** One product shared with the worker: C[m, n] = A[m, k]·B[k, n] in blocks of `blockRows` rows. */
export interface SharedProduct {
  blockRows: number;
  blocks: number;
  /** The next unclaimed block for the main thread, or -1 when all are claimed. */
  claim(): number;
  /**
   * Copies the worker's rows of `block` into `out` (the block's rows of C) and returns true, waiting at
   * most `waitMs` for them; false when they are not there in time (compute them yourself).
   */
  collect(block: number, out: Float32Array, waitMs: number): boolean;
}

export interface MatMulHelper {
  /** True when the worker is up and idle: a product posted now is shared. */
  ready(): boolean;
  /** Floats a job may occupy: m·k + k·n + m·n. */
  capacityFloats: number;
  /** Shares a product (A and B are copied at once), or returns null when the worker is busy or it does not fit. */
  post(a: Float32Array, b: Float32Array, m: number, k: number, n: number, blockRows: number): SharedProduct | null;
  /** Stops the worker. */
  stop(): void;
}

/** Starts the helper thread; it loads tfjs in the background (~1 s) and is used once ready(). */
export function startMatMulHelper(capacityFloats = DEFAULT_CAPACITY_FLOATS): MatMulHelper {
  const require = createRequire(import.meta.url);
  const controlBuffer = new SharedArrayBuffer((BLOCK_DONE + MAX_BLOCKS) * Int32Array.BYTES_PER_ELEMENT);
  const dataBuffer = new SharedArrayBuffer(capacityFloats * Float32Array.BYTES_PER_ELEMENT);
  const control = new Int32Array(controlBuffer);
  const data = new Float32Array(dataBuffer);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      control: controlBuffer,
      data: dataBuffer,
      tfjsCore: require.resolve("@tensorflow/tfjs-core"),
      tfjsWasm: require.resolve("@tensorflow/tfjs-backend-wasm"),
      wasmDir: path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + path.sep,
    },
  });
  // Never keeps the process alive; a crash only turns the helper off.
  worker.unref();
  let alive = true;
  worker.on("error", () => (alive = false));
  worker.on("exit", () => (alive = false));
  let job = 0;

  return {
    capacityFloats,
    ready: () => alive && Atomics.load(control, STATE) === IDLE,
    post(a, b, m, k, n, blockRows) {
      const blocks = Math.ceil(m / blockRows);
      if (!this.ready() || blocks > MAX_BLOCKS || m * k + k * n + m * n > capacityFloats) return null;
      data.set(a.subarray(0, m * k), 0);
      data.set(b.subarray(0, k * n), m * k);
      const id = ++job;
      control[ROWS] = m;
      control[INNER] = k;
      control[COLS] = n;
      control[BLOCK_ROWS] = blockRows;
      control[JOB] = id;
      Atomics.store(control, NEXT_BLOCK, 0);
      Atomics.store(control, STATE, POSTED);
      Atomics.notify(control, STATE);
      const outStart = m * k + k * n;
      return {
        blockRows,
        blocks,
        claim() {
          const block = Atomics.add(control, NEXT_BLOCK, 1);
          return block < blocks ? block : -1;
        },
        collect(block, out, waitMs) {
          const slot = BLOCK_DONE + block;
          const deadline = performance.now() + waitMs;
          for (let seen = Atomics.load(control, slot); seen !== id; seen = Atomics.load(control, slot)) {
            const left = deadline - performance.now();
            if (left <= 0 || !alive || Atomics.load(control, STATE) === FAILED) return false;
            Atomics.wait(control, slot, seen, left);
          }
          const first = block * blockRows * n;
          out.set(data.subarray(outStart + first, outStart + first + out.length));
          return true;
        },
      };
    },
    stop() {
      alive = false;
      Atomics.store(control, STATE, QUIT);
      Atomics.notify(control, STATE);
      void worker.terminate();
    },
  };
}

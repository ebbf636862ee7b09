// A synchronous pool of worker threads for chunked numeric kernels: the caller claims chunks too, then blocks until
// the workers are done (Atomics.wait is allowed on Node's main thread), so numeric code keeps a synchronous API.
import { availableParallelism } from "node:os";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { ACTIVE, CONTROL_SLOTS, FAILED, NEXT, type RunMessage } from "./control";
import type { ChunkArgs, ChunkTask } from "./kernel";
import { isShared } from "./shared";

export interface Pool {
  /** Threads that run chunks, the caller's included. */
  readonly threads: number;
  /**
   * Runs chunks 0 … chunks-1 of `task` over `args` (shared typed arrays when threads > 1); returns when all ran.
   * `meanwhile`, when given, runs in the calling thread after the workers have started and before it claims chunks
   * itself: serial work that does not touch the chunks' data overlaps them (with one thread it simply runs first).
   */
  run(task: ChunkTask, chunks: number, args: ChunkArgs, meanwhile?: () => void): void;
  /** Stops the worker threads (the pool then runs everything in the calling thread). */
  close(): Promise<void>;
}

/** Most threads a pool may have: more than the cores only adds switching. */
export const MAX_THREADS = 64;

/** The thread count to use: `requested` when given (1 … MAX_THREADS), else min(2, the cores available). */
export function resolveThreads(requested?: number): number {
  if (requested === undefined) return Math.max(1, Math.min(2, availableParallelism()));
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_THREADS)
    throw new RangeError(`threads must be an integer in 1..${MAX_THREADS} (got ${String(requested)})`);
  return requested;
}

/**
 * The worker's entry, named at run time: a literal `new URL(…)` makes Next's bundler pull the worker (and tsx, and
 * esbuild) into every page that imports numeric code, though pages only ever run one thread.
 */
const WORKER_FILE = ["pool-worker", "mjs"].join(".");

const pools = new Map<number, Pool>();

/** The process's pool of `threads` (resolveThreads), created on first use; its workers do not keep the process alive. */
export function getPool(threads?: number): Pool {
  const n = resolveThreads(threads);
  let pool = pools.get(n);
  if (!pool) {
    pool = n === 1 ? inProcessPool() : workerPool(n);
    pools.set(n, pool);
  }
  return pool;
}

function inProcessPool(): Pool {
  return {
    threads: 1,
    run(task, chunks, args, meanwhile) {
      checkChunks(chunks);
      meanwhile?.();
      for (let c = 0; c < chunks; c++) task.fn(c, args);
    },
    close: async () => {},
  };
}

function workerPool(threads: number): Pool {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  const workerUrl = new URL(WORKER_FILE, import.meta.url);
  const errorPorts: MessagePort[] = [];
  let workers: Worker[] = Array.from({ length: threads - 1 }, () => {
    // Each worker reports a kernel's error on its own port, which the blocked caller reads synchronously.
    const { port1, port2 } = new MessageChannel();
    port1.unref();
    errorPorts.push(port1);
    const worker = new Worker(workerUrl, {
      // The entry registers tsx itself; the parent's loader flags do not carry over to it (Node 20).
      execArgv: [],
      workerData: { control, errorPort: port2 },
      transferList: [port2],
    });
    worker.unref();
    return worker;
  });
  return {
    threads,
    run(task, chunks, args, meanwhile) {
      checkChunks(chunks);
      for (const [name, value] of Object.entries(args)) {
        if (typeof value === "number") continue;
        const shared =
          value instanceof WebAssembly.Memory ? value.buffer instanceof SharedArrayBuffer : isShared(value);
        if (!shared)
          throw new RangeError(`args.${name} must be backed by a SharedArrayBuffer when threads > 1 (see toShared)`);
      }
      if (workers.length === 0 || chunks <= 1) {
        meanwhile?.();
        for (let c = 0; c < chunks; c++) task.fn(c, args);
        return;
      }
      Atomics.store(control, NEXT, 0);
      Atomics.store(control, FAILED, 0);
      Atomics.store(control, ACTIVE, workers.length);
      const message: RunMessage = { module: task.module, name: task.name, chunks, args };
      for (const worker of workers) worker.postMessage(message);
      let failure: unknown;
      try {
        meanwhile?.();
        for (;;) {
          const chunk = Atomics.add(control, NEXT, 1);
          if (chunk >= chunks) break;
          task.fn(chunk, args);
        }
      } catch (err) {
        failure = err;
        Atomics.store(control, NEXT, chunks);
      }
      for (let active = Atomics.load(control, ACTIVE); active > 0; active = Atomics.load(control, ACTIVE)) {
        Atomics.wait(control, ACTIVE, active);
      }
      if (failure !== undefined) throw failure;
      if (Atomics.load(control, FAILED) === 1) {
        const messages = errorPorts.map((port) => receiveMessageOnPort(port)?.message).filter((m) => m !== undefined);
        throw new Error(`a pool thread failed in ${task.name}: ${String(messages[0] ?? "no message")}`);
      }
    },
    async close() {
      const stopping = workers;
      workers = [];
      pools.forEach((pool, n) => pool === this && pools.delete(n));
      await Promise.all(stopping.map((w) => w.terminate()));
    },
  };
}

function checkChunks(chunks: number): void {
  if (!Number.isInteger(chunks) || chunks < 0) throw new RangeError(`chunks must be an integer ≥ 0 (got ${chunks})`);
}

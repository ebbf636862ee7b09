// What a parallel kernel is: a function over one chunk of a fixed partition, named so a worker thread can import it.

/** A number, a typed array (shared when threads > 1), or a shared WebAssembly memory a kernel instantiates on. */
export type ChunkArg =
  number | Float64Array | Float32Array | Int32Array | Uint8Array | Uint32Array | WebAssembly.Memory;
export type ChunkArgs = Record<string, ChunkArg>;

/**
 * Processes chunk number `chunk` of a partition fixed by the problem size alone (never by the thread count), writing
 * only that chunk's output slots and per-chunk partial sums: then any number of threads gives bit-identical results.
 */
export type ChunkKernel = (chunk: number, args: ChunkArgs) => void;

export interface ChunkTask {
  /** The kernel module's `import.meta.url`: worker threads import it. */
  module: string;
  /** The kernel's export name in that module. */
  name: string;
  /** The kernel itself, run in the calling thread. */
  fn: ChunkKernel;
}

/** Declares an exported kernel: `export const repelChunk = kernelTask(import.meta.url, "repelChunk", (c, a) => …)`. */
export function kernelTask(module: string, name: string, fn: ChunkKernel): ChunkTask {
  return { module, name, fn };
}

/** Number of chunks of `size` items each that cover `total` items. */
export function chunkCount(total: number, size: number): number {
  return Math.ceil(total / size);
}

// Worker-thread parallelism for numeric kernels: fixed chunks, shared memory, a synchronous run, the same bits on any thread count.
export { getPool, resolveThreads, MAX_THREADS, type Pool } from "./pool";
export { kernelTask, chunkCount, type ChunkArg, type ChunkArgs, type ChunkKernel, type ChunkTask } from "./kernel";
export { sharedFloat32, sharedFloat64, sharedInt32, sharedUint32, sharedUint8, isShared, toShared } from "./shared";

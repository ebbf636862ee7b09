// Types for the parts of @echogarden/pffft-wasm (an Emscripten module, shipped without types) that pffft.ts calls.
declare module "@echogarden/pffft-wasm/simd" {
  /** Pointers are byte offsets into the wasm memory; setups are opaque pointers, 0 when the length is unsupported. */
  export interface PffftModule {
    /** A view of the whole wasm memory, replaced when the memory grows. */
    HEAPF32: Float32Array;
    _pffft_new_setup(size: number, transform: number): number;
    _pffft_aligned_malloc(bytes: number): number;
    _pffft_transform(setup: number, input: number, output: number, work: number, direction: number): void;
    _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
    _pffft_zreorder(setup: number, input: number, output: number, direction: number): void;
  }
  export default function createPffft(): Promise<PffftModule>;
}

// Typed arrays on SharedArrayBuffer, so the pool's worker threads read and write the same memory as the caller.

type Typed = Float64Array | Float32Array | Int32Array | Uint8Array | Uint32Array;

function checkLength(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`length must be an integer ≥ 0 (got ${n})`);
}

export function sharedFloat64(n: number): Float64Array {
  checkLength(n);
  return new Float64Array(new SharedArrayBuffer(n * 8));
}

export function sharedFloat32(n: number): Float32Array {
  checkLength(n);
  return new Float32Array(new SharedArrayBuffer(n * 4));
}

export function sharedInt32(n: number): Int32Array {
  checkLength(n);
  return new Int32Array(new SharedArrayBuffer(n * 4));
}

export function sharedUint32(n: number): Uint32Array {
  checkLength(n);
  return new Uint32Array(new SharedArrayBuffer(n * 4));
}

export function sharedUint8(n: number): Uint8Array {
  checkLength(n);
  return new Uint8Array(new SharedArrayBuffer(n));
}

/** True when `array` is a view of a SharedArrayBuffer (what the workers can see). */
export function isShared(array: Typed): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

/** `array` itself when already shared, else a shared copy of it. */
export function toShared<T extends Typed>(array: T): T {
  if (isShared(array)) return array;
  const Ctor = array.constructor as new (buffer: SharedArrayBuffer) => T;
  const copy = new Ctor(new SharedArrayBuffer(array.byteLength));
  copy.set(array as never);
  return copy;
}

// Typed arrays to and from little-endian byte blobs (SQLite Bytes columns, HTTP bodies).

/** A view of a typed array's bytes as a Node Buffer (no copy). */
export function toBlob(array: ArrayBufferView): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function aligned(blob: Uint8Array, bytesPerElement: number): ArrayBuffer {
  if (blob.byteLength % bytesPerElement !== 0) {
    throw new RangeError(`blob of ${blob.byteLength} bytes is not a whole number of ${bytesPerElement}-byte elements`);
  }
  // Copy so the result is aligned and owns its memory (Buffers from the pool may be unaligned).
  return blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength) as ArrayBuffer;
}

export function blobToFloat32(blob: Uint8Array): Float32Array {
  return new Float32Array(aligned(blob, 4));
}

export function blobToInt32(blob: Uint8Array): Int32Array {
  return new Int32Array(aligned(blob, 4));
}

export function blobToUint8(blob: Uint8Array): Uint8Array {
  return new Uint8Array(aligned(blob, 1));
}

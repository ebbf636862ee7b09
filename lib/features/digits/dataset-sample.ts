// The home page's dataset card: the first training digits and per-class counts of both splits.
import "server-only";
import { loadMnist } from "../../mnist/dataset";
import { IMAGE_PIXELS, NUM_CLASSES } from "../../core/constants";

export interface DatasetSample {
  /** The first `count` training digits, uint8 [count, 784], base64 (a plain prop for a client canvas). */
  pixelsBase64: string;
  labels: number[];
  trainCounts: number[];
  testCounts: number[];
  trainTotal: number;
  testTotal: number;
}

function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (const l of labels) counts[l]!++;
  return counts;
}

/** The dataset card: the first training digits with labels (the seed's first figure) and per-class counts. */
export function fetchDatasetSample(count = 16): DatasetSample {
  const { train, test } = loadMnist();
  return {
    pixelsBase64: Buffer.from(train.pixels.subarray(0, count * IMAGE_PIXELS)).toString("base64"),
    labels: Array.from(train.labels.subarray(0, count)),
    trainCounts: classCounts(train.labels),
    testCounts: classCounts(test.labels),
    trainTotal: train.count,
    testTotal: test.count,
  };
}

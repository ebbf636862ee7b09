// Seeded synthetic data and MNIST slices shared by the t-SNE tests.
import path from "node:path";
import { mnistDir } from "@/lib/mnist/dataset";
import { IMAGE_PIXELS, loadIdxImages, loadIdxLabels } from "@/lib/mnist/idx";
import { createRng } from "@/lib/random";
import type { Matrix } from "@/lib/tsne/matrix";

/** A standard normal sample from a uniform RNG (Box–Muller). */
export function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** `perBlob` points around each centre (unit-variance noise), rows in blob order; labels are the blob index. */
export function gaussianBlobs(centres: number[][], perBlob: number, seed: number): { matrix: Matrix; labels: Uint8Array } {
  const cols = centres[0]!.length;
  const rows = centres.length * perBlob;
  const rng = createRng(seed);
  const data = new Float32Array(rows * cols);
  const labels = new Uint8Array(rows);
  centres.forEach((centre, b) => {
    for (let r = b * perBlob; r < (b + 1) * perBlob; r++) {
      labels[r] = b;
      for (let c = 0; c < cols; c++) data[r * cols + c] = centre[c]! + gaussian(rng);
    }
  });
  return { matrix: { data, rows, cols }, labels };
}

/** A [rows, cols] matrix of seeded standard normals. */
export function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = createRng(seed);
  return { data: Float32Array.from({ length: rows * cols }, () => gaussian(rng)), rows, cols };
}

/** The first `count` MNIST test digits as pixels / 255 [count, 784], with their labels. */
export function mnistTestDigits(count: number): { matrix: Matrix; labels: Uint8Array } {
  const dir = mnistDir();
  const images = loadIdxImages(path.join(dir, "t10k-images-idx3-ubyte"));
  const labels = loadIdxLabels(path.join(dir, "t10k-labels-idx1-ubyte"));
  const data = new Float32Array(count * IMAGE_PIXELS);
  for (let i = 0; i < data.length; i++) data[i] = images.pixels[i]! / 255;
  return { matrix: { data, rows: count, cols: IMAGE_PIXELS }, labels: labels.slice(0, count) };
}

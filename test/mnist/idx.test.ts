import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IdxError, loadIdxImages, loadIdxLabels, parseIdxImages, parseIdxLabels } from "../../lib/mnist/idx";
import { loadMnist, mnistDir } from "../../lib/mnist/dataset";
import { classCounts, oneHot, scalePixels } from "../../lib/mnist/encode";

const dir = mnistDir();
const tmp = mkdtempSync(path.join(os.tmpdir(), "idx-"));

function corrupt(name: string, edit: (bytes: Buffer) => Buffer): string {
  const file = path.join(tmp, `${name}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, edit(Buffer.from(readFileSync(path.join(dir, name)))));
  return file;
}

describe("idx parsing on the real MNIST files", () => {
  it("loads 60,000 training and 10,000 test digits of 28x28 pixels", () => {
    const { train, test } = loadMnist();
    expect(train.pixels.length).toBe(60_000 * 784);
    expect(test.pixels.length).toBe(10_000 * 784);
    expect(train.labels.length).toBe(60_000);
    expect(test.labels.length).toBe(10_000);
  });

  it("reads the first train labels 5,0,4,1,9 and the first test labels 7,2,1,0,4", () => {
    const { train, test } = loadMnist();
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });

  it("has every class in both splits and pixel values spanning 0..255", () => {
    const { train, test } = loadMnist();
    expect(classCounts(train.labels).every((c) => c > 5000)).toBe(true);
    expect(classCounts(test.labels).reduce((a, b) => a + b, 0)).toBe(10_000);
    let max = 0;
    for (const p of train.pixels.subarray(0, 784 * 10)) max = Math.max(max, p);
    expect(max).toBe(255);
  });

  it("scales pixels to 0..1 and one-hot encodes labels as the seed does", () => {
    const scaled = scalePixels(Uint8Array.from([0, 51, 255]));
    expect(Array.from(scaled)).toEqual([0, 0.2, 1].map((v) => Math.fround(v)));
    expect(Array.from(oneHot(Uint8Array.from([3, 0])))).toEqual([
      0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });
});

describe("idx parsing on corrupted copies", () => {
  it("rejects an image file with a bad magic number, naming the file", () => {
    const file = corrupt("t10k-images-idx3-ubyte", (b) => {
      b.writeUInt32BE(2049, 0);
      return b;
    });
    expect(() => loadIdxImages(file)).toThrow(`${file}: bad magic number 2049, expected 2051 for an image file`);
  });

  it("rejects a label file with a bad magic number", () => {
    const file = corrupt("t10k-labels-idx1-ubyte", (b) => {
      b.writeUInt32BE(2051, 0);
      return b;
    });
    expect(() => loadIdxLabels(file)).toThrow(/bad magic number 2051, expected 2049 for a label file/);
  });

  it("rejects a truncated image file with the byte counts", () => {
    const file = corrupt("t10k-images-idx3-ubyte", (b) => b.subarray(0, b.length - 100));
    expect(() => loadIdxImages(file)).toThrow(`${file}: truncated: 7839916 bytes, expected 7840016 for 10000 images`);
  });

  it("rejects a truncated label file and one cut inside its header", () => {
    const cut = corrupt("t10k-labels-idx1-ubyte", (b) => b.subarray(0, 5000));
    expect(() => loadIdxLabels(cut)).toThrow(/truncated: 5000 bytes, expected 10008 for 10000 labels/);
    const header = corrupt("t10k-labels-idx1-ubyte", (b) => b.subarray(0, 6));
    expect(() => loadIdxLabels(header)).toThrow(/truncated header: 6 bytes, expected at least 8/);
  });

  it("rejects a file whose count differs from the expected one", () => {
    const file = corrupt("t10k-labels-idx1-ubyte", (b) => {
      b.writeUInt32BE(9999, 4);
      return b.subarray(0, b.length - 1);
    });
    expect(() => loadIdxLabels(file, 10_000)).toThrow(/header says 9999 labels, expected 10000/);
  });

  it("rejects images that are not 28x28 and labels outside 0..9", () => {
    const images = Buffer.alloc(16 + 4);
    images.writeUInt32BE(2051, 0);
    images.writeUInt32BE(1, 4);
    images.writeUInt32BE(2, 8);
    images.writeUInt32BE(2, 12);
    expect(() => parseIdxImages(images, "tiny")).toThrow("tiny: images are 2x2, expected 28x28");
    const labels = Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 3, 12]);
    expect(() => parseIdxLabels(labels, "labels")).toThrow("labels: label 12 at index 1 is outside 0..9");
  });

  it("reports a missing file as not found, with its path", () => {
    const file = path.join(tmp, "nope-idx3-ubyte");
    expect(() => loadIdxImages(file)).toThrow(IdxError);
    expect(() => loadIdxImages(file)).toThrow(`${file}: file not found`);
  });

  it("loads a valid copy identically to the original", () => {
    const file = path.join(tmp, "copy-labels");
    copyFileSync(path.join(dir, "t10k-labels-idx1-ubyte"), file);
    expect(Array.from(loadIdxLabels(file, 10_000).subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });
});

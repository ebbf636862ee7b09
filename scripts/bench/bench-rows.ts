// The rows the projection benchmarks share: the first n MNIST digits as pixels, or a run's stored test-set embedding.
import path from "node:path";
import { IMAGE_PIXELS } from "../../lib/core/constants";
import { openDatabase } from "../../lib/db/client";
import { getLastTestEmbedding } from "../../lib/db/embeddings";
import { readEnv } from "../../lib/env";
import { mnistDir } from "../../lib/mnist/dataset";
import { loadIdxImages, loadIdxLabels } from "../../lib/mnist/idx";
import type { Matrix } from "../../lib/numeric/tsne/matrix";

/** The first n rows with their digit labels: pixels / 255 (test digits, then training digits) or run `runId`'s embedding. */
export async function loadBenchRows(
  n: number,
  runId: number | undefined,
): Promise<Matrix & { what: string; labels: Uint8Array }> {
  const dir = mnistDir();
  const testLabels = loadIdxLabels(path.join(dir, "t10k-labels-idx1-ubyte"));
  if (runId === undefined) {
    const test = loadIdxImages(path.join(dir, "t10k-images-idx3-ubyte"));
    const more = n > test.count;
    const train = more ? loadIdxImages(path.join(dir, "train-images-idx3-ubyte")) : null;
    const trainLabels = more ? loadIdxLabels(path.join(dir, "train-labels-idx1-ubyte")) : new Uint8Array();
    const data = new Float32Array(n * IMAGE_PIXELS);
    const fromTest = Math.min(n, test.count);
    for (let i = 0; i < fromTest * IMAGE_PIXELS; i++) data[i] = test.pixels[i]! / 255;
    for (let i = fromTest * IMAGE_PIXELS; i < data.length; i++)
      data[i] = train!.pixels[i - fromTest * IMAGE_PIXELS]! / 255;
    const labels = new Uint8Array(n);
    labels.set(testLabels.subarray(0, fromTest));
    labels.set(trainLabels.subarray(0, n - fromTest), fromTest);
    return { data, rows: n, cols: IMAGE_PIXELS, labels, what: more ? "pixels (test + train)" : "pixels" };
  }
  const db = openDatabase(readEnv().DATABASE_URL);
  try {
    const stored = await getLastTestEmbedding(db, runId);
    if (!stored)
      throw new Error(`run ${runId} has no test-set embedding in ${readEnv().DATABASE_URL} (has it finished?)`);
    const rows = Math.min(n, stored.rows);
    return {
      data: stored.data.subarray(0, rows * stored.cols),
      rows,
      cols: stored.cols,
      // The stored test embedding holds the test digits in file order.
      labels: testLabels.slice(0, rows),
      what: `run ${runId} ${stored.layerName}`,
    };
  } finally {
    await db.close();
  }
}

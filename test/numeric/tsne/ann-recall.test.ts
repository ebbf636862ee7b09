// The approximate kNN finds at least 95 % of the exact neighbours on real digits: MNIST pixels reduced to 50 PCA
// components, and a trained network's last hidden layer, at t-SNE's k = 90 and UMAP's k = 15.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approximateKnn } from "@/lib/numeric/tsne/ann";
import { computeKnn } from "@/lib/numeric/tsne/knn";
import type { Matrix } from "@/lib/numeric/tsne/matrix";
import { pca } from "@/lib/numeric/tsne/pca";
import { getPool } from "@/lib/numeric/parallel";
import { getLastTestEmbedding } from "@/lib/db/embeddings";
import { createTestDb, type TestDb } from "../../helpers/db";
import { trainShortRun } from "../../helpers/train";
import { recallOf } from "./ann-helpers";
import { mnistTestDigits } from "./helpers";

describe("approximateKnn recall against the exact kNN", () => {
  afterAll(async () => getPool(2).close());

  describe("on 5,000 MNIST test digits reduced to 50 PCA components", () => {
    let digits: Matrix;
    beforeAll(() => {
      digits = pca(mnistTestDigits(5000).matrix, 50).projected;
    });

    it.each([90, 15])("recovers at least 0.95 of the exact neighbours at k = %i", (k) => {
      const recall = recallOf(approximateKnn(digits, k, { threads: 2 }), computeKnn(digits, k));
      expect(recall).toBeGreaterThanOrEqual(0.95);
    });
  });

  describe("on a short run's last hidden layer (2,000 test digits)", () => {
    let db: TestDb;
    let hidden: Matrix;
    beforeAll(async () => {
      db = createTestDb();
      const { runId } = await trainShortRun(db, { epochs: 2, trainSize: 3000, testSize: 2000, probeSize: 100 });
      const stored = await getLastTestEmbedding(db, runId);
      if (!stored) throw new Error(`run ${runId} stored no test embedding`);
      hidden = stored;
    });
    afterAll(async () => db.cleanup());

    it.each([90, 15])("recovers at least 0.95 of the exact neighbours at k = %i", (k) => {
      expect(hidden.rows).toBe(2000);
      const recall = recallOf(approximateKnn(hidden, k, { threads: 2 }), computeKnn(hidden, k));
      expect(recall).toBeGreaterThanOrEqual(0.95);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobToFloat32 } from "../../../lib/db/blobs";
import { loadMnist } from "../../../lib/mnist/dataset";
import { selectProbeIndices } from "../../../lib/mnist/probe";
import { projectRun } from "../../../lib/features/projection/project-run";
import { createTestDb, type TestDb } from "../../helpers/db";

/** A run row with a probe set of 100 digits drawn from the first 500 test digits, and no training behind it. */
async function insertProbeRun(db: TestDb): Promise<number> {
  const probe = selectProbeIndices(loadMnist().test.labels.subarray(0, 500), 100, 0);
  const run = await db.prisma.run.create({
    data: {
      name: "probe-only",
      status: "succeeded",
      config: "{}",
      architecture: "mlp",
      paramCount: 0,
      modelSummary: "[]",
      backend: "cpu",
      backendVersion: "-",
      epochsPlanned: 2,
      trainSize: 0,
      valSize: 0,
      testSize: 500,
      probeIndices: new Uint8Array(probe.buffer as ArrayBuffer),
      probeSize: 100,
    },
  });
  return run.id;
}

describe("projectRun on a 100-digit probe of 500 test digits (fewer digits than pixels)", () => {
  let db: TestDb;
  let runId: number;

  beforeAll(async () => {
    db = createTestDb();
    runId = await insertProbeRun(db);
  });
  afterAll(async () => db.cleanup());

  it("projects the raw pixels (rank 99 < 784, t-SNE through 50 PCA components) into finite layouts", async () => {
    const result = await projectRun(db, runId, { iterations: 100 });
    expect(result).toEqual({ computed: 3, pairs: 1, total: 3 });
    const finals = await db.prisma.projection.findMany({ where: { runId, final: true } });
    expect(finals.map((p) => p.method).sort()).toEqual(["pca", "tsne", "umap"]);
    for (const p of finals) {
      const coords = blobToFloat32(p.coords);
      expect(coords.length).toBe(200);
      expect(coords.every(Number.isFinite)).toBe(true);
      // Not collapsed: the digits spread out.
      expect(Math.max(...coords) - Math.min(...coords)).toBeGreaterThan(0);
      expect(p.knnAccuracy!).toBeGreaterThan(0.3);
    }
  });

  it("stops with an error naming the run, subset, layer and epoch when a stored embedding holds NaN, storing nothing of it", async () => {
    const data = new Float32Array(100 * 8).map((_, i) => Math.sin(i));
    data[17 * 8 + 3] = Number.NaN;
    await db.prisma.embedding.create({
      data: {
        runId,
        subset: "probe",
        epoch: 2,
        layerIndex: 1,
        layerName: "dense_Dense2",
        rows: 100,
        cols: 8,
        data: new Uint8Array(data.buffer),
      },
    });
    await expect(projectRun(db, runId, { iterations: 100 })).rejects.toThrow(
      `run ${runId}, probe set, layer 1 (dense_Dense2), epoch 2, PCA: the stored 100 × 8 input holds NaN at row 17, column 3`,
    );
    expect(await db.prisma.projection.count({ where: { runId, layerIndex: 1 } })).toBe(0);
  });
});

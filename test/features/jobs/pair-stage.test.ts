import { afterEach, describe, expect, it } from "vitest";
import { blobToFloat32, blobToInt32 } from "../../../lib/db/blobs";
import { loadMnist } from "../../../lib/mnist/dataset";
import { listStoredCells } from "../../../lib/db/pair-store";
import { pairSeparation } from "../../../lib/numeric/metrics/pairs";
import { SEPARATION_K } from "../../../lib/numeric/pairs/separation";
import { createTestDb, type TestDb } from "../../helpers/db";
import { enqueueSmallJobs, runWorkerInProcess } from "../../helpers/stage";

describe("the pair figures of a job", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("are stored by the follower (layouts skipped) for every probe source, equal to pairSeparation", async () => {
    db = createTestDb();
    const [jobId] = await enqueueSmallJobs(db, {
      hidden: "16,8",
      epochs: 2,
      trainSize: 500,
      testSize: 200,
      probeSize: 60,
    });
    const { ran, lines } = await runWorkerInProcess(db, { skipProjections: true });
    expect(ran).toBe(1);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } });
    expect([job.status, job.stage, job.error, job.run?.status]).toEqual(["succeeded", "done", null, "succeeded"]);
    const runId = job.run!.id;
    expect(lines.filter((l) => l.startsWith(`job ${jobId} project stderr`))).toEqual([]);
    expect(await db.prisma.projection.count({ where: { runId } })).toBe(0);
    // Pixels, and two hidden layers after each of two epochs: 5 sources × 45 pairs.
    expect(await db.prisma.pairSeparation.count({ where: { runId } })).toBe(5 * 45);
    const probe = blobToInt32(job.run!.probeIndices!);
    const testLabels = loadMnist().test.labels;
    const labels = Uint8Array.from(probe, (i) => testLabels[i]!);
    const stored = await listStoredCells(db, runId, 4, 9, SEPARATION_K);
    const embeddings = await db.prisma.embedding.findMany({ where: { runId, subset: "probe" } });
    expect(embeddings).toHaveLength(4);
    for (const e of embeddings) {
      const expected = pairSeparation(blobToFloat32(e.data), e.cols, labels, 4, 9, SEPARATION_K);
      expect(stored.get(`${e.layerIndex}/${e.epoch}`)).toEqual({
        layerIndex: e.layerIndex,
        epoch: e.epoch,
        ...expected,
      });
    }
  });
});

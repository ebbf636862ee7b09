import { afterEach, describe, expect, it } from "vitest";
import { blobToFloat32, blobToInt32 } from "../../../lib/db/blobs";
import { loadMnist } from "../../../lib/mnist/dataset";
import { listStoredCells } from "../../../lib/db/pair-store";
import { pairSeparation } from "../../../lib/numeric/metrics/pairs";
import { SEPARATION_K } from "../../../lib/numeric/pairs/separation";
import { createTestDb, type TestDb } from "../../helpers/db";
import { enqueueSmallJobs, fakeStageCommand, runWorkerInProcess } from "../../helpers/stage";

function fakePairs(file: string, jobId: number, code: number): string[] {
  return fakeStageCommand(file, jobId, code, "the pairs stage", "out of memory");
}

describe("the pairs stage of a job", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("runs after training with the job in stage 'pairs' and stores every pair's scores, equal to pairSeparation", async () => {
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
    expect(lines).toContain(`job ${jobId}: storing the pair figures of run ${runId}`);
    expect(lines).toContain(
      `job ${jobId} pairs stdout: run ${runId}: 5 of 5 layer × epoch sources to compute (45 pairs each)`,
    );
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

  it("shows the stage while it runs; its failure is noted without failing the trained job", async () => {
    db = createTestDb();
    const [jobId] = await enqueueSmallJobs(db, {
      hidden: "16",
      epochs: 1,
      trainSize: 500,
      testSize: 200,
      probeSize: 20,
    });
    const { lines } = await runWorkerInProcess(db, {
      skipProjections: true,
      pairsCommand: () => fakePairs(db!.file, jobId!, 3),
    });
    expect(lines).toContain(`job ${jobId} pairs stdout: stage seen by the pairs stage: pairs`);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } });
    expect([job.status, job.run?.status, job.error]).toEqual([
      "succeeded",
      "succeeded",
      "the run succeeded but its pair figures were not all stored (exit 3): out of memory",
    ]);
  });
});

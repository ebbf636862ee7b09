import { afterEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../helpers/db";
import { enqueueSmallJobs, fakeStageCommand, runWorkerInProcess } from "../../helpers/stage";

function fakeProjection(file: string, jobId: number, code: number): string[] {
  return fakeStageCommand(file, jobId, code, "the projection", "t-SNE exploded");
}

describe("the projection stage of a job", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("runs after training with the job in stage 'projecting'; its failure is noted without failing the trained job", async () => {
    db = createTestDb();
    const [ok, broken] = await enqueueSmallJobs(
      db,
      { hidden: "16", epochs: 1, trainSize: 500, testSize: 200, probeSize: 20 },
      2,
    );
    const commands: Record<number, number> = {};
    const { ran, lines } = await runWorkerInProcess(db, {
      skipPairs: true,
      projectCommand: (runId) => {
        const { jobId } = db!.sqlite.prepare("SELECT jobId FROM Run WHERE id = ?").get(runId) as { jobId: number };
        commands[jobId] = runId;
        return fakeProjection(db!.file, jobId, jobId === ok ? 0 : 3);
      },
    });
    expect(ran).toBe(2);
    expect(lines).toContain(`job ${ok} project stdout: stage seen by the projection: projecting`);
    const jobs = await db.prisma.job.findMany({ orderBy: { id: "asc" }, include: { run: true } });
    expect(jobs.map((j) => [j.status, j.run?.status, j.error])).toEqual([
      ["succeeded", "succeeded", null],
      ["succeeded", "succeeded", "the run succeeded but its projections did not complete (exit 3): t-SNE exploded"],
    ]);
    expect(Object.keys(commands).map(Number)).toEqual([ok, broken]);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../helpers/db";
import { enqueueSmallJobs, runWorkerInProcess } from "../../helpers/stage";

/**
 * A stand-in follower: prints its flags, waits until training is over (the job leaves stage "training"), prints the
 * stage it then sees, and exits with `code` (with a line on stderr when not 0).
 */
function fakeFollower(file: string, jobId: number, flags: string[], code: number): string[] {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(${JSON.stringify(file)}, { readonly: true, timeout: 15000 });
    console.log("follower flags: " + ${JSON.stringify(flags.join(" "))});
    const deadline = Date.now() + 60000;
    const look = () => {
      const { stage } = db.prepare("SELECT stage FROM Job WHERE id = ?").get(${jobId});
      if (stage === "starting" || stage === "training") {
        if (Date.now() < deadline) return setTimeout(look, 50);
      }
      console.log("stage seen by the follower after training: " + stage);
      if (${code} !== 0) console.error("t-SNE exploded");
      process.exit(${code});
    };
    look();`;
  return [process.execPath, "-e", script];
}

describe("the projection follower of a job (stand-in command)", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("starts with the run's flags, keeps the job in stage 'projecting' after training, and its failure is a note on a succeeded job", async () => {
    db = createTestDb();
    const [ok, broken] = await enqueueSmallJobs(
      db,
      { hidden: "16", epochs: 1, trainSize: 500, testSize: 200, probeSize: 20 },
      2,
    );
    const runs: Record<number, number> = {};
    const { ran, lines } = await runWorkerInProcess(db, {
      skipPairs: true,
      followCommand: (runId, flags) => {
        const { jobId } = db!.sqlite.prepare("SELECT jobId FROM Run WHERE id = ?").get(runId) as { jobId: number };
        runs[jobId] = runId;
        return fakeFollower(db!.file, jobId, flags, jobId === ok ? 0 : 3);
      },
    });
    expect(ran).toBe(2);
    expect(lines).toContain(`job ${ok} project stdout: follower flags: --run=${runs[ok!]} --follow --no-pairs`);
    expect(lines).toContain(`job ${ok} project stdout: stage seen by the follower after training: projecting`);
    const jobs = await db.prisma.job.findMany({ orderBy: { id: "asc" }, include: { run: true } });
    expect(jobs.map((j) => [j.status, j.run?.status, j.error])).toEqual([
      ["succeeded", "succeeded", null],
      [
        "succeeded",
        "succeeded",
        "the run succeeded but its layouts and pair figures were not all stored (exit 3): t-SNE exploded",
      ],
    ]);
    expect(Object.keys(runs).map(Number)).toEqual([ok, broken]);
  });
});

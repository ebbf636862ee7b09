// npm run db:copy end to end: short real runs trained on SQLite (one made by a job, with layouts and pair figures),
// copied to a fresh PostgreSQL database and from there to a fresh SQLite file; every read the run pages make returns
// the same values from all three, and a second copy into the same target is refused with the run named.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../lib/db/client";
import { claimQueuedJob, enqueueJob, finishJob, listRecentJobs } from "../../../lib/db/jobs";
import { insertLabelReview, listLabelReviewHistory } from "../../../lib/db/labels";
import { listProjections } from "../../../lib/db/projections";
import { getPredictionCounts } from "../../../lib/db/digits";
import { getRunHeader } from "../../../lib/db/run-pages";
import { parseTrainConfig } from "../../../lib/core/train-config";
import { copyDatabase, CopyRefusedError, type CopyEvent } from "../../../lib/features/db-copy/copy-database";
import { fetchErrors } from "../../../lib/features/digits/errors";
import { fetchRunCalibration } from "../../../lib/features/dynamics/calibration";
import { fetchExplorerCatalog } from "../../../lib/features/explorer/catalog";
import { fetchStoredSeparationPlan } from "../../../lib/features/pairs/stored-separation";
import { precomputeRunSeparations } from "../../../lib/features/pairs/precompute";
import { projectRun } from "../../../lib/features/projection/project-run";
import { fetchConfusions, fetchRunOverview } from "../../../lib/features/runs/run-pages";
import { runTraining } from "../../../lib/features/train/run-training";
import { initBackend } from "../../../lib/model/backend";
import { createTestDb, type TestDb } from "../../helpers/db";
import { scratchPostgresUrl, type ScratchPostgres } from "../../helpers/postgres-db";
import { trainShortRun } from "../../helpers/train";

/** Runs `npm run db:copy -- …args` as the user would: its exit code and output. */
function runCopyScript(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", "scripts/db-copy.ts", ...args],
      // The command names its databases itself: no DATABASE_URL (scripts/test.sh unsets it too).
      { env: { ...process.env, DATABASE_URL: undefined } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `value` without `keys`: fields that differ by design (read times, promises the page streams). */
function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}

/** Everything the run overview, confusion, errors, embeddings and pair pages read for a run. */
async function pageReads(db: Db, runId: number) {
  // The pair plan hands out its cells through promises (the page streams them): compare what they resolve to.
  const { plan } = await fetchStoredSeparationPlan(db, runId, 3, 8);
  return {
    header: await getRunHeader(db, runId),
    overview: without((await fetchRunOverview(db, runId))!, "readAtMs"),
    confusions: await fetchConfusions(db, runId),
    predictionCounts: await getPredictionCounts(db, runId),
    errors: await fetchErrors(db, runId),
    calibration: await fetchRunCalibration(db, runId),
    catalog: await fetchExplorerCatalog(db, runId),
    projections: await listProjections(db, runId),
    pairs: { ...without(plan, "row", "grid"), grid: without(await plan.grid, "computeMs") },
  };
}

describe("db:copy from SQLite to PostgreSQL and back", () => {
  let source: TestDb;
  let postgres: ScratchPostgres;
  let dir: string;
  let backUrl: string;
  let runA: number;
  let runB: number;
  const events: CopyEvent[] = [];

  beforeAll(async () => {
    source = createTestDb();
    postgres = scratchPostgresUrl("dbcopy");
    dir = mkdtempSync(path.join(os.tmpdir(), "mnist-lens-dbcopy-"));
    backUrl = `file:${path.join(dir, "back.db")}`;
    // Run A comes from a job (the job row travels with it), with layouts and pair figures; run B is plain.
    const config = parseTrainConfig({ name: "copied A", epochs: 2, trainSize: 1000, testSize: 500, probeSize: 150 });
    const jobId = await enqueueJob(source, config, "test");
    await claimQueuedJob(source, "test-worker");
    const backend = await initBackend("wasm");
    ({ runId: runA } = await runTraining(source, config, { backend, jobId }));
    await finishJob(source, jobId, "test-worker", "succeeded", null);
    await projectRun(source, runA, { iterations: 60, warmIterations: 20, snapshots: [] });
    await precomputeRunSeparations(source, runA);
    ({ runId: runB } = await trainShortRun(source, { epochs: 1, trainSize: 1000, testSize: 500, probeSize: 150 }));
    // Rows of no run: a failed job that never made one, and a label review.
    await enqueueJob(source, parseTrainConfig({ name: "never ran" }), "test");
    const orphan = await claimQueuedJob(source, "test-worker");
    await finishJob(source, orphan!.id, "test-worker", "failed", "stopped before training");
    await insertLabelReview(source, {
      subset: "test",
      digitIndex: 7,
      verdict: "ambiguous",
      correctedLabel: null,
      sessionId: "s".repeat(64),
    });
  });

  afterAll(async () => {
    await source?.cleanup();
    await postgres?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("copies everything to PostgreSQL and back, every table's rows and blob checksums agreeing", async () => {
    const there = await copyDatabase({
      from: source.url,
      to: postgres.url,
      runIds: null,
      onEvent: (e) => events.push(e),
    });
    expect(there).toEqual({ copiedRunIds: [runA, runB], skippedRunIds: [], mismatches: [] });
    const back = await copyDatabase({ from: postgres.url, to: backUrl, runIds: null });
    expect(back.mismatches).toEqual([]);
    expect(back.copiedRunIds).toEqual([runA, runB]);

    const copied = events.filter((e) => e.type === "copied");
    expect(copied.map((e) => e.label)).toEqual([`run ${runA} "copied A"`, `run ${runB} "short"`, "rows of no run"]);
    const runAChecks = copied[0]!.checks;
    // Run A's job, run, epochs, embeddings, layouts and pair figures all went, with their blobs.
    for (const table of [
      "Job",
      "Run",
      "Epoch",
      "Checkpoint",
      "TestPredictions",
      "Embedding",
      "Projection",
      "PairSeparation",
    ])
      expect(runAChecks.find((c) => c.table === table)?.sourceRows, table).toBeGreaterThan(0);
    expect(Object.keys(runAChecks.find((c) => c.table === "Embedding")!.blobs)).toEqual(["data"]);
    expect(copied[0]!.blobBytes).toBeGreaterThan(1e5);
  });

  it("serves the same page data from the source, the PostgreSQL copy and the SQLite copy of that", async () => {
    const pg = openDatabase(postgres.url);
    const back = openDatabase(backUrl);
    try {
      for (const runId of [runA, runB]) {
        const expected = await pageReads(source, runId);
        expect(expected.errors!.length).toBeGreaterThan(0);
        for (const [where, db] of [
          ["PostgreSQL", pg],
          ["SQLite again", back],
        ] as const) {
          const got = await pageReads(db, runId);
          for (const key of Object.keys(expected) as (keyof typeof expected)[])
            expect(got[key], `${key} of run ${runId} on ${where}`).toEqual(expected[key]);
        }
      }
      expect((await pageReads(source, runA)).projections.length).toBeGreaterThan(0);
      const jobs = await listRecentJobs(source, 10);
      expect(jobs).toHaveLength(2);
      expect(await listRecentJobs(pg, 10)).toEqual(jobs);
      expect(await listRecentJobs(back, 10)).toEqual(jobs);
      const reviews = await listLabelReviewHistory(source);
      expect(await listLabelReviewHistory(pg)).toEqual(reviews);
      expect(await listLabelReviewHistory(back)).toEqual(reviews);
    } finally {
      await Promise.all([pg.close(), back.close()]);
    }
  });

  it("refuses a second copy into the same target, naming the run", async () => {
    const attempt = copyDatabase({ from: source.url, to: postgres.url, runIds: [runB] });
    await expect(attempt).rejects.toThrow(CopyRefusedError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`ids of run ${runB} "short" \\(ids taken in the target: Run ${runB};`),
    );
    await expect(copyDatabase({ from: source.url, to: postgres.url, runIds: [999] })).rejects.toThrow(
      "no run 999 in the source",
    );
  });

  it("keeps PostgreSQL's id sequences past the copied ids, so a new run there gets a fresh id", async () => {
    const pg = openDatabase(postgres.url);
    try {
      const jobId = await enqueueJob(pg, parseTrainConfig({ name: "after the copy" }), "test");
      expect(jobId).toBe(Math.max(...(await listRecentJobs(source, 10)).map((j) => j.id)) + 1);
    } finally {
      await pg.close();
    }
  });

  it("prints each run's rows, MB, seconds and checks from the command line, and exits 1 when it refuses", async () => {
    const target = `file:${path.join(dir, "script.db")}`;
    const ok = await runCopyScript(["--from", source.url, "--to", target, "--runs", String(runB)]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`run ${runB} "short": \\d+ rows, \\d+\\.\\d MB in \\d+\\.\\d s`));
    expect(ok.stdout).toMatch(/ok {7}Embedding: (\d+) → \1 rows; data [0-9a-f]{12} =/);
    expect(ok.stdout).toContain("copied and verified 1 run(s)");
    const again = await runCopyScript(["--from", source.url, "--to", target, "--runs", String(runB)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      `db:copy: nothing copied: the target already holds rows with the ids of run ${runB}`,
    );
    const bad = await runCopyScript(["--from", "mysql://x", "--to", target]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--from: must be a file: URL or a postgresql:// URL");
  });
});

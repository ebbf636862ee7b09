// The projection follower for real: a small run trained through the worker is projected epoch by epoch as it trains.
import { afterEach, describe, expect, it } from "vitest";
import { cancelJob } from "../../../lib/db/jobs";
import { listEpochTimes, listLayoutTimes, listPairTimes } from "../../../lib/db/run-follow";
import { tsxCommand } from "../../../lib/features/jobs/child";
import { projectRun } from "../../../lib/features/projection/project-run";
import { createTestDb, type TestDb } from "../../helpers/db";
import { enqueueSmallJobs, runWorkerInProcess } from "../../helpers/stage";
import { waitUntil } from "./worker-process";

/** Two narrow layers and 100 probe digits: an epoch's layouts and pair figures take a fraction of a second. */
const FORM = { hidden: "512,16", trainSize: 12000, testSize: 300, probeSize: 100 };
const SHORT_FITS = ["--iterations=100", "--warm-iterations=50"];

const follow = (runId: number, flags: string[]) => tsxCommand("scripts/project.ts", [...flags, ...SHORT_FITS]);

/**
 * A follower slower than training: epochs of 1,200 digits (under a second) against 200 probe digits' layouts with 200
 * warm iterations (one to two seconds), and a cold first epoch that also pays the follower's start. Without the
 * trainer's wait, each next epoch would be recorded before the previous one's figures, whatever the machine's load.
 */
const SLOW_FOLLOWER_FORM = { ...FORM, trainSize: 1500, probeSize: 200 };
const slowFollow = (runId: number, flags: string[]) =>
  tsxCommand("scripts/project.ts", [...flags, "--iterations=100", "--warm-iterations=200"]);
/** Generous, so a loaded machine never makes the trainer give up (it is 5 s by default). */
const TEST_FOLLOWER_WAIT_MS = 30_000;

describe("the projection follower of a job", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("stores each epoch's probe layouts and pair figures before the next epoch is recorded, training waiting for a slower follower; then every final and UMAP layout; a restart stores nothing", async () => {
    db = createTestDb();
    const [jobId] = await enqueueSmallJobs(db, { ...SLOW_FOLLOWER_FORM, epochs: 4 });
    const { ran, lines } = await runWorkerInProcess(db, {
      followCommand: slowFollow,
      followerWaitMs: TEST_FOLLOWER_WAIT_MS,
    });
    expect(ran).toBe(1);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } });
    expect([job.status, job.stage, job.error, job.run?.status], lines.join("\n")).toEqual([
      "succeeded",
      "done",
      null,
      "succeeded",
    ]);
    const runId = job.run!.id;

    const epochs = await listEpochTimes(db, runId);
    const layouts = await listLayoutTimes(db, runId);
    const pairs = await listPairTimes(db, runId);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    for (const { epoch } of epochs.slice(0, -1)) {
      const stored = [
        ...layouts.filter((l) => l.subset === "probe" && l.epoch === epoch && l.method !== "umap"),
        ...pairs.filter((p) => p.epoch === epoch),
      ];
      // Two layers, PCA and t-SNE each, and the two layers' pair figures.
      expect(stored).toHaveLength(6);
      const last = Math.max(...stored.map((s) => s.createdAt.getTime()));
      const next = epochs[epoch]!.createdAt.getTime();
      expect(
        last,
        `epoch ${epoch}'s figures stored ${last - next} ms after epoch ${epoch + 1} was recorded`,
      ).toBeLessThan(next);
    }
    expect(lines.filter((l) => l.includes("falling behind"))).toEqual([]);
    // The order above is the trainer's doing: it waited for the follower (at least for the cold first epoch), never
    // in vain, and the follower detached the run when it was done.
    const waits = lines.flatMap((l) => {
      const m = /waited (\d+) ms for the projection follower's epoch (\d+) figures before recording epoch (\d+)$/.exec(
        l,
      );
      return m ? [{ waitedMs: Number(m[1]), figures: Number(m[2]), recording: Number(m[3]) }] : [];
    });
    expect(waits.length, lines.join("\n")).toBeGreaterThanOrEqual(1);
    for (const w of waits) expect([w.recording, w.waitedMs > 0]).toEqual([w.figures + 1, true]);
    expect(lines.filter((l) => /gave up waiting|follower stopped while training waited/.test(l))).toEqual([]);
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).followedEpoch).toBeNull();

    // Sources: the final view of the last layer and its pixels, the probe pixels, two layers × four epochs.
    const byMethod = (m: string) => layouts.filter((l) => l.method === m);
    expect(layouts).toHaveLength(11 * 3);
    for (const m of ["pca", "tsne", "umap"]) expect(byMethod(m)).toHaveLength(11);
    expect(byMethod("pca").every((l) => l.algorithm === null && l.neighbours === null)).toBe(true);
    expect(byMethod("tsne").every((l) => ["fft", "barnes-hut"].includes(l.algorithm!))).toBe(true);
    expect(byMethod("tsne").every((l) => ["exact", "approximate"].includes(l.neighbours!))).toBe(true);
    // UMAP runs on the t-SNE's graph of the same source, so it records the same neighbours.
    for (const u of byMethod("umap")) {
      const t = byMethod("tsne").find(
        (l) => l.subset === u.subset && l.epoch === u.epoch && l.layerIndex === u.layerIndex,
      );
      expect([u.algorithm, u.neighbours]).toEqual(["sgd", t!.neighbours]);
    }
    // UMAP comes last, after the final test views.
    const lastOther = Math.max(...layouts.filter((l) => l.method !== "umap").map((l) => l.createdAt.getTime()));
    expect(Math.min(...byMethod("umap").map((l) => l.createdAt.getTime()))).toBeGreaterThanOrEqual(lastOther);
    expect(pairs).toHaveLength(9);
    expect(await db.prisma.pairSeparation.count({ where: { runId } })).toBe(9 * 45);

    const rowsBefore = await db.prisma.projection.findMany({ where: { runId }, select: { id: true, createdAt: true } });
    const again = await projectRun(db, runId, { follow: true, iterations: 100, warmIterations: 50 });
    expect(again).toEqual({ computed: 0, pairs: 0, total: 33 });
    const rowsAfter = await db.prisma.projection.findMany({ where: { runId }, select: { id: true, createdAt: true } });
    expect(rowsAfter).toEqual(rowsBefore);
  });

  it("stops when the job is cancelled, keeping what it stored and computing no final or UMAP layout", async () => {
    db = createTestDb();
    // Shorter epochs: this test needs only a follower at work when the cancel lands.
    const [jobId] = await enqueueSmallJobs(db, { ...FORM, trainSize: 4000, epochs: 30 });
    const worker = runWorkerInProcess(db, { followCommand: follow, heartbeatMs: 200 });
    const probeLayouts = () =>
      db!.prisma.projection.count({ where: { run: { jobId }, subset: "probe", epoch: { gte: 1 } } });
    await waitUntil(probeLayouts, (n) => n >= 2);
    expect(await cancelJob(db, jobId!)).toBe("requested");
    const { lines } = await worker;

    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } });
    expect([job.status, job.run?.status]).toEqual(["cancelled", "cancelled"]);
    const started = lines.map((l) => /projecting run \d+ as it trains, in child pid (\d+)/.exec(l)).find((m) => m);
    const pid = Number(started![1]);
    // Stopped by the SIGTERM (130), or on its own a moment earlier on seeing the run cancelled (0).
    const stopped = lines.filter((l) => l.startsWith(`job ${jobId}: projection follower pid ${pid} stopped (exit `));
    expect(stopped, lines.join("\n")).toHaveLength(1);
    expect(stopped[0], lines.join("\n")).toMatch(/\(exit (130|0)\)$/);
    expect(() => process.kill(pid, 0)).toThrow();
    const runId = job.run!.id;
    expect(await db.prisma.projection.count({ where: { runId, OR: [{ subset: "test" }, { method: "umap" }] } })).toBe(
      0,
    );
    expect(await probeLayouts()).toBeGreaterThanOrEqual(2);
    const recorded = (await listEpochTimes(db, runId)).length;
    expect(recorded).toBeLessThan(30);

    // Started again on the cancelled run, it keeps every stored row and fills in the rest.
    const kept = await db.prisma.projection.findMany({ where: { runId }, select: { id: true, createdAt: true } });
    const again = await projectRun(db, runId, { iterations: 100, warmIterations: 50 });
    // The probe pixels and two layers per recorded epoch, by PCA, t-SNE and UMAP.
    expect(again.total).toBe((1 + 2 * recorded) * 3);
    expect(again.computed).toBe(again.total - kept.length);
    const after = await db.prisma.projection.findMany({ where: { runId }, select: { id: true, createdAt: true } });
    expect(after.filter((row) => kept.some((k) => k.id === row.id))).toEqual(kept);
  });
});

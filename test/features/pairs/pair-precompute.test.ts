import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobToFloat32, blobToInt32 } from "../../../lib/db/blobs";
import { loadMnist } from "../../../lib/mnist/dataset";
import { fetchPairAcrossRuns, fetchSeparationPlan } from "../../../lib/features/pairs/pair-separation";
import { listStoredCells } from "../../../lib/db/pair-store";
import { listPairRuns } from "../../../lib/features/pairs/pair-details";
import { pairSeparation } from "../../../lib/numeric/metrics/pairs";
import { precomputeRunSeparations, type PairsEvent } from "../../../lib/features/pairs/precompute";
import { SEPARATION_K } from "../../../lib/numeric/pairs/separation";
import { createTestDb, type TestDb } from "../../helpers/db";
import { trainShortRun } from "../../helpers/train";

const PAIRS = Array.from({ length: 10 }, (_, a) =>
  Array.from({ length: 9 - a }, (_, i) => [a, a + 1 + i] as const),
).flat();

/** Runs `npm run pairs` as the worker does (the real entry point) and returns its exit code and output. */
function runPairsScript(
  file: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/pairs.ts", ...args], {
    env: { ...process.env, DATABASE_URL: `file:${file}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("precomputed pair separation on a short real run (2 epochs, probe 100)", () => {
  let db: TestDb;
  let runId: number;
  let labels: Uint8Array;
  let probe: Int32Array;
  const events: PairsEvent[] = [];

  /** What the page computed before anything was stored: pairSeparation on each stored blob and on the probe pixels. */
  function expectedCells(a: number, b: number) {
    const embeddings = db.sqlite
      .prepare("SELECT epoch, layerIndex, cols, data FROM Embedding WHERE runId = ? AND subset = 'probe'")
      .all(runId) as Array<{
      epoch: number;
      layerIndex: number;
      cols: number;
      data: Buffer;
    }>;
    const { pixels } = loadMnist().test;
    const px = Float32Array.from(
      Array.from(probe).flatMap((i) => Array.from(pixels.subarray(i * 784, (i + 1) * 784), (v) => v / 255)),
    );
    return new Map([
      ["-1/0", { layerIndex: -1, epoch: 0, ...pairSeparation(px, 784, labels, a, b, SEPARATION_K) }],
      ...embeddings.map(
        (e) =>
          [
            `${e.layerIndex}/${e.epoch}`,
            {
              layerIndex: e.layerIndex,
              epoch: e.epoch,
              ...pairSeparation(blobToFloat32(e.data), e.cols, labels, a, b, SEPARATION_K),
            },
          ] as const,
      ),
    ]);
  }

  beforeAll(async () => {
    db = createTestDb();
    ({ runId } = await trainShortRun(db, { epochs: 2, trainSize: 1500, testSize: 300, probeSize: 100 }));
    const run = db.sqlite.prepare("SELECT probeIndices FROM Run WHERE id = ?").get(runId) as { probeIndices: Buffer };
    probe = blobToInt32(run.probeIndices);
    const testLabels = loadMnist().test.labels;
    labels = Uint8Array.from(probe, (i) => testLabels[i]!);
  });
  afterAll(async () => db?.cleanup());

  it("stores all 45 pairs for the pixels and each layer × epoch, equal bit for bit to pairSeparation on the same blobs", async () => {
    const result = await precomputeRunSeparations(db, runId, { onEvent: (e) => events.push(e) });
    expect(result).toMatchObject({ computed: 7, total: 7 });
    expect(events[0]).toEqual({ type: "plan", total: 7, missing: 7 });
    expect(events.slice(1).map((e) => e.type === "source" && [e.layerIndex, e.epoch])).toEqual([
      [-1, 0],
      [0, 1],
      [1, 1],
      [2, 1],
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
    expect(await db.prisma.pairSeparation.count({ where: { runId } })).toBe(7 * 45);
    for (const [a, b] of PAIRS) {
      const stored = await listStoredCells(db, runId, a, b, SEPARATION_K);
      // toEqual: bit-equal numbers, NaN (a class with fewer than two probe digits) equal to NaN.
      expect(new Map([...stored].sort()), `${a}/${b}`).toEqual(new Map([...expectedCells(a, b)].sort()));
    }
  });

  it("computes nothing the second time, and only the source that lost a row after that", async () => {
    expect(await precomputeRunSeparations(db, runId)).toMatchObject({ computed: 0, total: 7 });
    const before = await listStoredCells(db, runId, 3, 5, SEPARATION_K);
    db.sqlite
      .prepare("DELETE FROM PairSeparation WHERE runId = ? AND a = 3 AND b = 5 AND layerIndex = 1 AND epoch = 2")
      .run(runId);
    const again: PairsEvent[] = [];
    expect(await precomputeRunSeparations(db, runId, { onEvent: (e) => again.push(e) })).toMatchObject({
      computed: 1,
      total: 7,
    });
    expect(again.filter((e) => e.type === "source").map((e) => e.type === "source" && [e.layerIndex, e.epoch])).toEqual(
      [[1, 2]],
    );
    expect(await listStoredCells(db, runId, 3, 5, SEPARATION_K)).toEqual(before);
    await expect(precomputeRunSeparations(db, 999_999)).rejects.toThrow("run 999999 does not exist");
  });

  it("npm run pairs computes what is missing with progress, then nothing on a second run; bad flags exit 2", async () => {
    db.sqlite.prepare("DELETE FROM PairSeparation WHERE runId = ?").run(runId);
    const first = await runPairsScript(db.file, ["--run", String(runId)]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`run ${runId}: 7 of 7 layer × epoch sources to compute (45 pairs each)`);
    expect(first.stdout).toMatch(/\[1\/7\] pixels: \d+\.\d\d s/);
    expect(first.stdout).toMatch(new RegExp(`run ${runId}: 7 computed \\(7 in all\\)`));
    const second = await runPairsScript(db.file, ["--run", String(runId)]);
    expect(second.stdout).toContain(`run ${runId}: 0 of 7 layer × epoch sources to compute`);
    expect(second.stdout).toMatch(new RegExp(`run ${runId}: 0 computed \\(7 in all\\)`));
    expect(await db.prisma.pairSeparation.count({ where: { runId } })).toBe(7 * 45);
    const bad = await runPairsScript(db.file, ["--run", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("pairs: --run:");
  });

  it("the pair page's plan reads the stored rows, and computes (and counts) the cells that are missing", async () => {
    const run = (await listPairRuns(db)).find((r) => r.id === runId)!;
    const stored = await fetchSeparationPlan(db, run, 4, 9);
    expect([stored.cellCount, stored.computedCount]).toEqual([7, 0]);
    const expected = expectedCells(4, 9);
    const grid = await stored.grid;
    expect(grid.cells).toHaveLength(7);
    for (const c of grid.cells) expect(c).toEqual(expected.get(`${c.layerIndex}/${c.epoch}`));
    const [across] = await fetchPairAcrossRuns(db, [run], 4, 9);
    expect(across!.last).toEqual({
      epoch: 2,
      layerName: expect.any(String),
      knnPurity: expected.get("2/2")!.knnPurity,
      silhouette: expected.get("2/2")!.silhouette,
    });

    // An older run: nothing stored for 1/7 in the last layer. The plan computes those cells, with the same numbers.
    db.sqlite.prepare("DELETE FROM PairSeparation WHERE runId = ? AND a = 1 AND b = 7 AND layerIndex = 2").run(runId);
    const partial = await fetchSeparationPlan(db, run, 1, 7);
    expect([partial.cellCount, partial.computedCount]).toEqual([7, 2]);
    const expected17 = expectedCells(1, 7);
    for (const c of (await partial.grid).cells) expect(c).toEqual(expected17.get(`${c.layerIndex}/${c.epoch}`));
    expect((await fetchPairAcrossRuns(db, [run], 1, 7))[0]!.last!.knnPurity).toBe(expected17.get("2/2")!.knnPurity);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobToFloat32 } from "../../../lib/db/blobs";
import { createTsne } from "../../../lib/numeric/tsne/tsne";
import { listSources, loadSourceMatrix } from "../../../lib/features/projection/sources";
import { projectRun, type ProjectEvent } from "../../../lib/features/projection/project-run";
import { copyRunRecord } from "../../../lib/db/run-copy";
import { createTestDb, type TestDb } from "../../helpers/db";
import { trainShortRun } from "../../helpers/train";

describe("projectRun on a short real run (2 epochs, probe 100, 300 test digits)", () => {
  let db: TestDb;
  let runId: number;
  const events: ProjectEvent[] = [];

  beforeAll(async () => {
    db = createTestDb();
    ({ runId } = await trainShortRun(db, { epochs: 2, trainSize: 1500, testSize: 300, probeSize: 100 }));
    await projectRun(db, runId, { iterations: 300, warmIterations: 100, onEvent: (e) => events.push(e) });
  });
  afterAll(async () => db.cleanup());

  it("lists the final test views, the pixels and every probe layer at every epoch as sources", async () => {
    const keys = (await listSources(db, runId)).map((s) => `${s.subset}/${s.epoch}/${s.layerIndex}`);
    expect(keys).toEqual([
      "test/0/2",
      "test/0/-1",
      "probe/0/-1",
      "probe/1/0",
      "probe/1/1",
      "probe/1/2",
      "probe/2/0",
      "probe/2/1",
      "probe/2/2",
    ]);
  });

  it("stores a final PCA, t-SNE and UMAP layout of the right size for each source, with quality figures and what computed it", async () => {
    const finals = await db.prisma.projection.findMany({ where: { runId, final: true } });
    expect(finals).toHaveLength(27);
    for (const p of finals) {
      const coords = blobToFloat32(p.coords);
      expect(coords.length).toBe(p.rows * 2);
      expect(p.rows).toBe(p.subset === "test" ? 300 : 100);
      expect(coords.every(Number.isFinite)).toBe(true);
      expect(p.knnAccuracy!).toBeGreaterThan(0.3);
      expect(p.trustworthiness!).toBeGreaterThan(0.6);
      expect(p.trustworthiness!).toBeLessThanOrEqual(1);
      if (p.method === "tsne") expect(p.klDivergence!).toBeGreaterThan(0);
      const recorded = { pca: [null, null], tsne: [p.algorithm, p.neighbours], umap: ["sgd", p.neighbours] }[p.method];
      expect([p.algorithm, p.neighbours]).toEqual(recorded);
      if (p.method !== "pca") expect(["exact", "approximate"]).toContain(p.neighbours);
    }
    const warm = finals.find((p) => p.subset === "probe" && p.epoch === 2 && p.method === "tsne");
    expect(warm!.iteration).toBe(100);
  });

  it("keeps snapshots of the final test t-SNE at iterations 50 and 100 for the replay", async () => {
    const replay = await db.prisma.projection.findMany({
      where: { runId, subset: "test", layerIndex: 2, method: "tsne" },
      orderBy: { iteration: "asc" },
    });
    expect(replay.map((p) => [p.iteration, p.final])).toEqual([
      [50, false],
      [100, false],
      [250, false],
      [300, true],
    ]);
    // Snapshots are stored with the final's one quality pass: the input's kNN accuracy they show is the final's.
    expect(replay[3]!.knnAccuracy).toBeGreaterThan(0.3);
    expect(replay.map((p) => p.knnAccuracy)).toEqual(replay.map(() => replay[3]!.knnAccuracy));
  });

  it("starts each epoch from the previous epoch's layout, so it moves less than a fresh layout would", async () => {
    const get = async (epoch: number) =>
      blobToFloat32(
        (
          await db.prisma.projection.findFirstOrThrow({
            where: { runId, subset: "probe", epoch, layerIndex: 2, method: "tsne", final: true },
          })
        ).coords,
      );
    // Mean distance between two layouts after centring and scaling each to unit RMS radius.
    const normalised = (y: Float32Array) => {
      let mx = 0,
        my = 0;
      for (let i = 0; i < y.length; i += 2) {
        mx += y[i]!;
        my += y[i + 1]!;
      }
      mx /= y.length / 2;
      my /= y.length / 2;
      let r = 0;
      for (let i = 0; i < y.length; i += 2) r += (y[i]! - mx) ** 2 + (y[i + 1]! - my) ** 2;
      r = Math.sqrt(r / (y.length / 2));
      return Float32Array.from(y, (v, i) => (v - (i % 2 ? my : mx)) / r);
    };
    const shift = (a: Float32Array, b: Float32Array) => {
      const [na, nb] = [normalised(a), normalised(b)];
      let d = 0;
      for (let i = 0; i < na.length; i += 2) d += Math.hypot(na[i]! - nb[i]!, na[i + 1]! - nb[i + 1]!);
      return d / (na.length / 2);
    };
    const [one, two] = [await get(1), await get(2)];
    const sources = await listSources(db, runId);
    const epochTwo = sources.find((s) => s.subset === "probe" && s.epoch === 2 && s.layerIndex === 2)!;
    const fresh = createTsne(await loadSourceMatrix(db, runId, epochTwo), {
      perplexity: 30,
      iterations: 300,
      exaggerationIterations: 75,
    }).fit();
    // Training draws unseeded dropout masks, so the two epochs' embeddings differ from run to run: the ratio was
    // below 0.5 in most runs and 0.56 in one. A layout that ignored the previous epoch would be near 1.
    expect(shift(one, two)).toBeLessThan(0.8 * shift(one, fresh));
  });

  it("stores the same bits on two lanes (the default here) as on one thread, source after source", async () => {
    const single = createTestDb();
    try {
      await copyRunRecord(db, single, runId);
      await projectRun(single, runId, { iterations: 300, warmIterations: 100, threads: 1 });
      const rows = async (d: TestDb) => {
        const layouts = await d.prisma.projection.findMany({
          where: { runId },
          orderBy: [
            { subset: "asc" },
            { epoch: "asc" },
            { layerIndex: "asc" },
            { method: "asc" },
            { iteration: "asc" },
          ],
        });
        const pairs = await d.prisma.pairSeparation.findMany({
          where: { runId },
          orderBy: [{ layerIndex: "asc" }, { epoch: "asc" }, { a: "asc" }, { b: "asc" }],
        });
        return {
          layouts: layouts.map((p) => [
            p.subset,
            p.epoch,
            p.layerIndex,
            p.method,
            p.iteration,
            p.final,
            Buffer.from(p.coords).toString("base64"),
            p.knnAccuracy,
            p.trustworthiness,
            p.klDivergence,
          ]),
          pairs: pairs.map((p) => [p.layerIndex, p.epoch, p.a, p.b, p.knnPurity, p.silhouette]),
        };
      };
      const [lanes, one] = [await rows(db), await rows(single)];
      expect(lanes.layouts.length).toBe(27 + 6);
      expect(lanes.pairs.length).toBe(7 * 45);
      expect(one).toEqual(lanes);
    } finally {
      await single.cleanup();
    }
  });

  it("computes nothing the second time: only what is missing", async () => {
    const again = await projectRun(db, runId, { iterations: 300, warmIterations: 100 });
    expect(again).toEqual({ computed: 0, pairs: 0, total: 27 });
    expect(events.filter((e) => e.type === "layout")).toHaveLength(27);
    // The pair figures of the probe pixels and of every probe layer × epoch, stored once.
    expect(events.filter((e) => e.type === "pairs")).toHaveLength(7);
  });
});

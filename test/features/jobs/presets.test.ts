// Every architecture the admin form offers, trained for real through the job worker on the default backend (wasm),
// with its embeddings recorded per epoch and projected, with their pair figures, by the follower.
import { afterEach, describe, expect, it } from "vitest";
import { blobToFloat32, blobToInt32 } from "../../../lib/db/blobs";
import { loadMnist } from "../../../lib/mnist/dataset";
import { selectProbeIndices } from "../../../lib/mnist/probe";
import { PRESET_DEFAULTS, type Architecture } from "../../../lib/core/train-config";
import { fetchExplorerSeries } from "../../../lib/features/explorer/series";
import { fetchPairScatter, fetchSeparationPlan } from "../../../lib/features/pairs/pair-separation";
import { tsxCommand } from "../../../lib/features/jobs/child";
import { createTestDb, type TestDb } from "../../helpers/db";
import { enqueueSmallJobs, runWorkerInProcess } from "../../helpers/stage";

/** The layers each preset records for every probe digit per epoch: [name, values per digit]. */
const RECORDED: Record<Architecture["kind"], Array<[string, number]>> = {
  mlp: [
    ["dense_1", 512],
    ["dense_2", 512],
    ["dense_3", 512],
  ],
  cnn: [
    ["max_pooling2d_1 (pooled 2×2)", 7 * 7 * 32],
    ["max_pooling2d_2", 5 * 5 * 64],
    ["dense_1", 128],
  ],
};

const EPOCHS = 2;
const PROBE = 50;
const TEST = 100;

describe("every architecture the form offers", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  for (const kind of Object.keys(PRESET_DEFAULTS) as Array<Architecture["kind"]>) {
    // Seconds on wasm; the CNN took 350 s on the cpu backend, before wasm had its convolution gradients.
    it(
      `trains the ${kind} preset through the worker and records its layers' embeddings each epoch`,
      { timeout: 300_000 },
      async () => {
        db = createTestDb();
        const [jobId] = await enqueueSmallJobs(db, {
          architecture: kind,
          epochs: EPOCHS,
          trainSize: 300,
          testSize: TEST,
          probeSize: PROBE,
        });
        const { ran, lines } = await runWorkerInProcess(db, {
          followCommand: (_runId, flags) =>
            tsxCommand("scripts/project.ts", [...flags, "--iterations=100", "--no-umap"]),
        });
        expect(ran).toBe(1);
        const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } });
        expect([job.status, job.stage, job.error, job.run?.status], lines.join("\n")).toEqual([
          "succeeded",
          "done",
          null,
          "succeeded",
        ]);
        const run = job.run!;
        const config = JSON.parse(run.config) as { optimizer: { name: string }; epochs: number };
        expect([run.architecture, config.optimizer.name]).toEqual([kind, PRESET_DEFAULTS[kind].optimizer]);

        // Every architecture records the same probe digits.
        const labels = loadMnist().test.labels.subarray(0, TEST);
        const probeDigits = selectProbeIndices(labels, PROBE, 0);
        expect(blobToInt32(run.probeIndices!)).toEqual(probeDigits);

        const recorded = RECORDED[kind];
        const probe = await db.prisma.embedding.findMany({
          where: { runId: run.id, subset: "probe" },
          orderBy: [{ epoch: "asc" }, { layerIndex: "asc" }],
        });
        expect(probe.map((e) => [e.epoch, e.layerIndex, e.layerName, e.rows, e.cols])).toEqual(
          Array.from({ length: EPOCHS }, (_, i) =>
            recorded.map(([name, width], layer) => [i + 1, layer, name, PROBE, width]),
          ).flat(),
        );
        for (const e of probe) {
          const values = blobToFloat32(e.data);
          expect(values.length).toBe(PROBE * e.cols);
          expect(values.every(Number.isFinite)).toBe(true);
          // ReLU outputs (pooled or not): none negative, and the layer is not dead.
          expect(values.reduce((m, v) => Math.min(m, v), 0)).toBe(0);
          expect(values.reduce((m, v) => Math.max(m, v), 0)).toBeGreaterThan(0);
        }
        const last = recorded.length - 1;
        const test = await db.prisma.embedding.findMany({ where: { runId: run.id, subset: "test" } });
        expect(test.map((e) => [e.layerIndex, e.layerName, e.rows, e.cols])).toEqual([
          [last, recorded[last]![0], TEST, recorded[last]![1]],
        ]);

        // The explorer lists every recorded layer by its model name, with PCA and t-SNE layouts of each.
        const series = await fetchExplorerSeries(db, run.id);
        const probeNames = new Set(series.filter((s) => s.subset === "probe").map((s) => s.layerName));
        expect([...probeNames].sort()).toEqual(["pixels", ...recorded.map(([name]) => name)].sort());
        for (const name of recorded.map(([n]) => n)) {
          const methods = series.filter((s) => s.subset === "probe" && s.layerName === name).map((s) => s.method);
          expect(methods.sort()).toEqual(["pca", "tsne"]);
        }

        // The pair pages' separation table: pixels then every recorded layer, all stored by the follower.
        const plan = await fetchSeparationPlan(db, { id: run.id, finishedAt: run.finishedAt }, 4, 9);
        expect(plan.layers.map((l) => l.layerName)).toEqual(["pixels", ...recorded.map(([name]) => name)]);
        expect([plan.epochs, plan.computedCount, plan.cellCount]).toEqual([
          Array.from({ length: EPOCHS }, (_, i) => i + 1),
          0,
          1 + recorded.length * EPOCHS,
        ]);
        const { cells } = await plan.grid;
        expect(cells).toHaveLength(plan.cellCount);
        expect(cells.every((c) => c.knnPurity >= 0 && c.knnPurity <= 1)).toBe(true);

        // The pair page's scatters: pixels and every recorded layer at the last epoch, each with the pair's digits.
        const scatter = await fetchPairScatter(db, run.id, 4, 9, { epoch: null, method: "tsne" });
        expect([scatter.method, scatter.epoch]).toEqual(["tsne", EPOCHS]);
        expect(scatter.layers.map((l) => l.layerName)).toEqual(["pixels", ...recorded.map(([name]) => name)]);
        const expectedPoints = Array.from(probeDigits, (i) => labels[i]).filter((l) => l === 4 || l === 9).length;
        expect(scatter.layers.every((l) => l.points.length === expectedPoints && expectedPoints > 0)).toBe(true);
      },
    );
  }
});

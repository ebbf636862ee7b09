// Entry point of `npm run bench:probe-pass`: one probe source's pair figures and quality figures on one thread, as two
// passes over its input distances and as the one pass the projection now makes (what a lane does per source), and
// that pass's float64 distances panel by panel against the whole matrix from half the tiles.
import { z } from "zod";
import { readEnv } from "../../lib/env";
import { openDatabase } from "../../lib/db/client";
import { getFinalCoords } from "../../lib/db/projections";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { sourceSeparations } from "../../lib/features/projection/pair-figures";
import { listSources, loadSourceMatrix, probeDigits } from "../../lib/features/projection/sources";
import { distanceMatrix } from "../../lib/numeric/distance-matrix";
import { distancePanel, prepareRows } from "../../lib/numeric/distance-panel";
import { pairsAndQuality } from "../../lib/numeric/pairs/with-quality";
import type { Matrix } from "../../lib/numeric/tsne/matrix";
import { layoutsQuality } from "../../lib/numeric/tsne/quality";

const USAGE = `usage: npm run bench:probe-pass -- --run ID [--epoch E] [--layer L] [--repeat N]
  --run     a projected run in DATABASE_URL (its stored PCA and t-SNE layouts of the source are scored)
  --epoch   the probe epoch (default 8)
  --layer   the layer index (default 1; -1 for the probe pixels at epoch 0)
  --repeat  timed repetitions after one warm-up, the median printed (default 5, 1..50)`;

const argsSchema = z.object({
  run: z.coerce.number().int().positive(),
  epoch: z.coerce.number().int().min(0).default(8),
  layer: z.coerce.number().int().min(-1).default(1),
  repeat: z.coerce.number().int().min(1).max(50).default(5),
});

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:probe-pass",
    USAGE,
    { run: { type: "string" }, epoch: { type: "string" }, layer: { type: "string" }, repeat: { type: "string" } },
    argsSchema,
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { run, epoch, layer, repeat } = flags.args;
  const db = openDatabase(readEnv().DATABASE_URL);
  try {
    const source = (await listSources(db, run)).find(
      (s) => s.subset === "probe" && s.epoch === epoch && s.layerIndex === layer,
    );
    if (!source) {
      console.error(`bench:probe-pass: run ${run} has no probe source at epoch ${epoch}, layer ${layer}\n\n${USAGE}`);
      return 2;
    }
    const matrix = await loadSourceMatrix(db, run, source);
    const { labels } = await probeDigits(db, run);
    const lows: Matrix[] = [];
    for (const method of ["pca", "tsne"] as const) {
      const coords = await getFinalCoords(db, run, source, method);
      if (!coords) {
        console.error(`bench:probe-pass: run ${run} has no ${method} layout of that source (npm run project first)`);
        return 2;
      }
      lows.push({ data: coords, rows: matrix.rows, cols: 2 });
    }
    const median = (work: () => unknown) => {
      work();
      const ms = Array.from({ length: repeat }, () => {
        const started = performance.now();
        work();
        return performance.now() - started;
      }).sort((a, b) => a - b);
      return ms[Math.floor(repeat / 2)]!;
    };
    const pairs = median(() => sourceSeparations(matrix, labels, 10, 1));
    const quality = median(() => layoutsQuality(matrix, lows, labels, 10, { threads: 1 }));
    const both = median(() => pairsAndQuality(matrix, lows, labels, 10, 10, { threads: 1 }));
    // The pass's distances as it prepares them (float64, every column kept).
    const n = matrix.rows;
    const prepared = prepareRows(new Float64Array(matrix.data), n, matrix.cols, { keepZeroColumns: true });
    const panels = () => {
      const out = new Float64Array(n * n);
      for (let first = 0; first < n; first += 64) {
        const count = Math.min(64, n - first);
        const { panel, stride } = distancePanel(prepared, first, count);
        for (let r = 0; r < count; r++) out.set(panel.subarray(r * stride, r * stride + n), (first + r) * n);
      }
      return out;
    };
    const byPanels = median(panels);
    const byMatrix = median(() => distanceMatrix(prepared, 1));
    const expected = panels();
    const whole = distanceMatrix(prepared, 1);
    const same = expected.every((v, at) => Object.is(v, whole[at]));
    console.log(`run ${run}, probe epoch ${epoch}, layer ${layer}: ${matrix.rows} × ${matrix.cols}, 1 thread`);
    console.log(`pair figures alone      ${pairs.toFixed(0).padStart(6)} ms`);
    console.log(`quality figures alone   ${quality.toFixed(0).padStart(6)} ms (PCA and t-SNE layouts)`);
    console.log(`both from one pass      ${both.toFixed(0).padStart(6)} ms`);
    console.log(`distances, panels       ${byPanels.toFixed(0).padStart(6)} ms (the copy out of them included)`);
    console.log(
      `distances, whole matrix ${byMatrix.toFixed(0).padStart(6)} ms (half the tiles, mirrored; same values: ${same})`,
    );
    console.log(`one_pass_ratio=${(both / (pairs + quality)).toFixed(2)}`);
    return 0;
  } finally {
    await db.close();
  }
}

runScript("bench:probe-pass", main);

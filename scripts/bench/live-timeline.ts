// Entry point of `npm run bench:live`: a trained run's timeline from the database: when each epoch was recorded, when
// its probe layouts and pair figures were stored, whether that was before the next epoch, and the tail after training.
import { z } from "zod";
import { readEnv } from "../../lib/env";
import { openDatabase } from "../../lib/db/client";
import { listEmbeddingShapes } from "../../lib/db/embeddings";
import { listEpochTimes, listLayoutTimes, listPairTimes } from "../../lib/db/run-follow";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";

const USAGE = `usage: npm run bench:live -- --run ID
  --run ID   a run in DATABASE_URL trained through the job worker (its follower stored the layouts as it trained)`;

const argsSchema = z.object({ run: z.coerce.number().int().positive() });

const latest = (dates: Date[]): Date | null =>
  dates.length === 0 ? null : new Date(Math.max(...dates.map((d) => d.getTime())));

async function main(): Promise<number> {
  const flags = parseScriptFlags("bench:live", USAGE, { run: { type: "string" } }, argsSchema);
  if ("exitCode" in flags) return flags.exitCode;
  const runId = flags.args.run;
  const db = openDatabase(readEnv().DATABASE_URL);
  try {
    const [epochs, layouts, pairs, shapes] = await Promise.all([
      listEpochTimes(db, runId),
      listLayoutTimes(db, runId),
      listPairTimes(db, runId),
      listEmbeddingShapes(db, runId),
    ]);
    if (epochs.length === 0) {
      console.error(`bench:live: run ${runId} has no recorded epoch in ${db.url}`);
      return 2;
    }
    const origin = epochs[0]!.createdAt.getTime() - epochs[0]!.durationMs - epochs[0]!.evalMs;
    const at = (d: Date | null) => (d ? `+${((d.getTime() - origin) / 1000).toFixed(1)} s` : "—");
    console.log(`run ${runId}: times from the start of epoch 1's training`);
    console.log("epoch  train s  recorded    layouts     pairs       stored  lag s  before next epoch");
    let behind = 0;
    for (const [i, e] of epochs.entries()) {
      const probe = (l: { epoch: number }) => l.epoch === e.epoch;
      const layers = shapes.filter((x) => x.subset === "probe" && probe(x)).length;
      const probeLayouts = layouts.filter((l) => l.subset === "probe" && l.method !== "umap" && probe(l));
      // PCA and t-SNE of each layer, and each layer's pair figures.
      const stored = `${probeLayouts.length + pairs.filter(probe).length}/${layers * 3}`;
      const layoutsAt = latest(
        layouts.filter((l) => l.subset === "probe" && l.method !== "umap" && probe(l)).map((l) => l.createdAt),
      );
      const pairsAt = latest(pairs.filter(probe).map((p) => p.createdAt));
      const doneAt = latest([layoutsAt, pairsAt].filter((d): d is Date => d !== null));
      const next = epochs[i + 1];
      const before = !next ? "(last)" : doneAt && doneAt < next.createdAt ? "yes" : "NO";
      if (before === "NO") behind++;
      const lag = doneAt ? ((doneAt.getTime() - e.createdAt.getTime()) / 1000).toFixed(1) : "—";
      const trainSeconds = ((e.durationMs + e.evalMs + e.recordMs) / 1000).toFixed(1);
      console.log(
        `${String(e.epoch).padStart(5)}  ${trainSeconds.padStart(7)}  ${at(e.createdAt).padEnd(10)}  ${at(layoutsAt).padEnd(10)}  ` +
          `${at(pairsAt).padEnd(10)}  ${stored.padStart(6)}  ${lag.padStart(5)}  ${before}`,
      );
    }
    const last = epochs.at(-1)!.createdAt.getTime();
    const lastOf = (dates: Date[]) => {
      const d = latest(dates);
      return d ? ((d.getTime() - last) / 1000).toFixed(1) : "NaN";
    };
    const toLayout = lastOf([
      ...layouts.filter((l) => l.method !== "umap").map((l) => l.createdAt),
      ...pairs.map((p) => p.createdAt),
    ]);
    const toUmap = lastOf(layouts.filter((l) => l.method === "umap").map((l) => l.createdAt));
    console.log(`epochs whose figures came after the next epoch was recorded: ${behind}`);
    console.log(`last epoch recorded → last PCA/t-SNE layout or pair figure stored: ${toLayout} s`);
    console.log(`last epoch recorded → last UMAP layout stored: ${toUmap} s`);
    console.log(`last_epoch_to_last_layout_seconds=${toLayout} last_epoch_to_last_umap_seconds=${toUmap}`);
    return 0;
  } finally {
    await db.close();
  }
}

runScript("bench:live", main);

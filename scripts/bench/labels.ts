// Figures of the suspect labels (docs/benchmarks.md, README "Suspect labels"): how steady the top-50 suspects are
// between two single runs of different seeds, and between two consensus rankings of disjoint sets of runs.
// Usage: npm run bench:labels -- --db file:data/mnist-lens.db [--top 50] [--rank self-confidence|normalized-margin]
import os from "node:os";
import { z } from "zod";
import { openDatabase } from "../../lib/db/client";
import { getTestPredictions } from "../../lib/db/digits";
import { listRunsWithPredictions } from "../../lib/db/labels";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { readEnv } from "../../lib/env";
import { loadMnist } from "../../lib/mnist/dataset";
import { LABEL_RANKINGS } from "../../lib/core/labels-view";
import { NUM_CLASSES } from "../../lib/core/constants";
import { labelQuality, meanProbabilities, rankByScore } from "../../lib/numeric/labels/ranking";
import { rankSuspects } from "../../lib/numeric/labels/suspects";
import { splitAlternately, topKOverlap } from "../../lib/numeric/labels/overlap";
import { accuracy, predictedLabels } from "../../lib/numeric/metrics/classification";

const USAGE = `usage: npm run bench:labels -- [--db file:PATH] [--top K] [--rank self-confidence|normalized-margin]
  --db URL     the database whose finished runs are compared (default DATABASE_URL)
  --top K      suspects compared at the top of each ranking, 1..1000 (default 50)
  --rank NAME  the ranking (default self-confidence)`;

const flagsSchema = z.object({
  db: z.string().min(1).optional(),
  top: z.coerce.number().int().min(1).max(1000).default(50),
  rank: z.enum(LABEL_RANKINGS).default("self-confidence"),
});

interface RunProbs {
  id: number;
  name: string;
  architecture: string;
  seed: number | null;
  testAccuracy: number | null;
  probs: Float32Array;
}

const pct = (x: number) => (Number.isNaN(x) ? "–" : `${(x * 100).toFixed(1)}%`);

async function main(): Promise<number> {
  const parsed = parseScriptFlags(
    "bench:labels",
    USAGE,
    { db: { type: "string" }, top: { type: "string" }, rank: { type: "string" } },
    flagsSchema,
  );
  if ("exitCode" in parsed) return parsed.exitCode;
  const { top, rank } = parsed.args;
  const db = openDatabase(parsed.args.db ?? readEnv().DATABASE_URL);
  const runs: RunProbs[] = [];
  try {
    for (const row of await listRunsWithPredictions(db)) {
      const predictions = await getTestPredictions(db, row.id);
      if (!predictions) continue;
      const seed = (JSON.parse(row.config) as { seed?: number }).seed ?? null;
      runs.push({ ...row, seed, probs: predictions.probs });
    }
  } finally {
    await db.close();
  }
  if (runs.length < 2) {
    console.error(`bench:labels: needs at least 2 finished runs with test predictions, found ${runs.length}`);
    return 2;
  }
  // Every source compared on the test digits all runs evaluated.
  const n = Math.min(...runs.map((r) => r.probs.length / NUM_CLASSES));
  const labels = loadMnist().test.labels.subarray(0, n);
  // The steadiness figures compare the top of each source's ranking of ALL digits by label quality: the label issues
  // alone (the confident joint's off-diagonal) are too few on a strong model (7 on a CNN) for a top-50 comparison.
  const everyDigit = Int32Array.from({ length: n }, (_, i) => i);
  const ranked = (probs: Float32Array) =>
    Array.from(rankByScore(everyDigit, labelQuality({ probs: probs.subarray(0, n * NUM_CLASSES), labels }, rank)));
  const issues = (probs: Float32Array) =>
    rankSuspects({ probs: probs.subarray(0, n * NUM_CLASSES), labels }, rank).suspects.length;
  const single = new Map(runs.map((r) => [r.id, ranked(r.probs)]));

  console.log(
    `bench:labels: ${runs.length} finished runs, ${n.toLocaleString("en-US")} test digits, top ${top} by ${rank}; ` +
      `load ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
  );
  console.log("\nrun  arch  seed  test accuracy  label issues  accuracy without its top-K suspects");
  for (const r of runs) {
    const list = single.get(r.id)!;
    const predicted = predictedLabels(r.probs.subarray(0, n * NUM_CLASSES));
    const excluded = new Set(list.slice(0, top));
    const keep = Array.from({ length: n }, (_, i) => i).filter((i) => !excluded.has(i));
    const kept = accuracy(
      Uint8Array.from(keep, (i) => predicted[i]!),
      Uint8Array.from(keep, (i) => labels[i]!),
    );
    console.log(
      `${String(r.id).padStart(3)}  ${r.architecture.padEnd(4)}  ${String(r.seed ?? "?").padStart(4)}  ` +
        `${pct(r.testAccuracy ?? Number.NaN).padStart(13)}  ${String(issues(r.probs)).padStart(12)}  ${pct(kept).padStart(8)}`,
    );
  }

  // Single runs: every pair of different seeds (the same architecture first: the seed is then the only difference).
  const pairs: Array<[RunProbs, RunProbs]> = [];
  for (let i = 0; i < runs.length; i++)
    for (let j = i + 1; j < runs.length; j++) if (runs[i]!.seed !== runs[j]!.seed) pairs.push([runs[i]!, runs[j]!]);
  const sameArch = pairs.filter(([a, b]) => a.architecture === b.architecture);
  const shown = (sameArch.length > 0 ? sameArch : pairs)[0];
  if (shown) {
    const [a, b] = shown;
    console.log(
      `\nsingle runs: #${a.id} (seed ${a.seed}) vs #${b.id} (seed ${b.seed}): top-${top} overlap ` +
        pct(topKOverlap(single.get(a.id)!, single.get(b.id)!, top)),
    );
  }
  if (pairs.length > 0) {
    const all = pairs.map(([a, b]) => topKOverlap(single.get(a.id)!, single.get(b.id)!, top));
    const mean = all.reduce((s, x) => s + x, 0) / all.length;
    console.log(
      `single runs, all ${pairs.length} pairs of different seeds: mean top-${top} overlap ${pct(mean)} ` +
        `(min ${pct(Math.min(...all))}, max ${pct(Math.max(...all))})`,
    );
  }

  const [groupA, groupB] = splitAlternately(runs, (r) => r.architecture);
  if (groupA.length < 3 || groupB.length < 3) {
    console.log(`\nconsensus: needs 6 finished runs for two disjoint sets of three (found ${runs.length})`);
    return 0;
  }
  const consensus = (group: RunProbs[]) =>
    ranked(meanProbabilities(group.map((r) => r.probs.subarray(0, n * NUM_CLASSES))));
  const describe = (group: RunProbs[]) => group.map((r) => `#${r.id} ${r.architecture}`).join(", ");
  console.log(
    `\nconsensus of {${describe(groupA)}} vs {${describe(groupB)}}: top-${top} overlap ` +
      pct(topKOverlap(consensus(groupA), consensus(groupB), top)),
  );
  return 0;
}

runScript("bench:labels", main);

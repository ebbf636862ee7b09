// The probabilities a /labels ranking reads: one run's restored checkpoint on the test set, the mean of several runs'
// (consensus), or the latest cross-validation's out-of-fold training probabilities.
import "server-only";
import type { Db } from "../../db/client";
import { getTestPredictions } from "../../db/digits";
import { getCrossvalResult } from "../../db/labels";
import { getRun } from "../../db/runs";
import { loadMnist } from "../../mnist/dataset";
import { NUM_CLASSES } from "../../core/constants";
import { subsetOf, type LabelSource, type LabelSubset } from "../../core/labels-view";
import { meanProbabilities } from "../../numeric/labels/ranking";

export interface SourcePart {
  /** "run 3 · seed MLP", "cross-validation 4 folds". */
  name: string;
  runId: number | null;
  /** [n, 10] */
  probs: Float32Array;
}

export interface SourceData {
  subset: LabelSubset;
  /** The given labels of the first n digits of the subset. [n] */
  labels: Uint8Array;
  /** [n, 10]: the one part's, or the parts' mean. */
  probs: Float32Array;
  parts: SourcePart[];
  description: string;
}

/** The source's probabilities, or a sentence saying why there are none (unknown or unfinished run, no crossval). */
export async function loadLabelSource(db: Db, source: LabelSource): Promise<SourceData | { missing: string }> {
  const mnist = loadMnist();
  if (source.kind === "none") return { missing: "choose a source of probabilities" };
  if (source.kind === "crossval") {
    const result = await getCrossvalResult(db);
    if (!result)
      return { missing: "no cross-validation yet: run `npm run crossval -- --folds 4` or queue one on /admin" };
    const name = `cross-validation ${result.id}, ${result.folds} folds`;
    return {
      subset: subsetOf(source),
      labels: mnist.train.labels.subarray(0, result.trainSize),
      probs: result.probs,
      parts: [{ name, runId: null, probs: result.probs }],
      description: `${name} over the first ${result.trainSize.toLocaleString("en-US")} training digits`,
    };
  }
  const ids = source.kind === "run" ? [source.runId] : source.runIds;
  const parts: SourcePart[] = [];
  for (const id of ids) {
    const [run, predictions] = await Promise.all([getRun(db, id), getTestPredictions(db, id)]);
    if (!run || !predictions) return { missing: `run ${id} does not exist or has no final test predictions yet` };
    parts.push({ name: `run ${id} · ${run.name}`, runId: id, probs: predictions.probs });
  }
  // Runs evaluated on different numbers of test digits agree on the first of them.
  const n = Math.min(...parts.map((p) => p.probs.length / NUM_CLASSES));
  for (const part of parts) part.probs = part.probs.subarray(0, n * NUM_CLASSES);
  const probs = parts.length === 1 ? parts[0]!.probs : meanProbabilities(parts.map((p) => p.probs));
  return {
    subset: "test",
    labels: mnist.test.labels.subarray(0, n),
    probs,
    parts,
    description:
      parts.length === 1
        ? `${parts[0]!.name}: its restored checkpoint on ${n.toLocaleString("en-US")} test digits`
        : `the mean of ${parts.length} runs (${ids.join(", ")}) on ${n.toLocaleString("en-US")} test digits`,
  };
}

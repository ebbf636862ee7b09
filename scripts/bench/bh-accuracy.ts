// Entry point of `npm run bench:bh-accuracy`: how close our Barnes–Hut forces are to the exact O(n²) sums at several
// θ, beside scikit-learn's per-point test at its 0.5, on a finished t-SNE layout (why our default θ is 0.6).
import { z } from "zod";
import { loadBenchRows } from "./bench-rows";
import { exactRepulsion, perPointRepulsion, relativeError } from "../../test/numeric/tsne/helpers";
import { parseScriptFlags, runScript } from "../../lib/features/cli/flags";
import { createRepulsion } from "../../lib/numeric/tsne/barnes-hut";
import { createTsne } from "../../lib/numeric/tsne/tsne";

const USAGE = `usage: npm run bench:bh-accuracy -- [--n DIGITS] [--run ID]
  --n    first N digits (default 10000; 100..20000: the exact sums are O(n²))
  --run  a run's last-hidden-layer test embedding (from DATABASE_URL) instead of pixels`;

const argsSchema = z.object({
  n: z.coerce.number().int().min(100).max(20_000).default(10_000),
  run: z.coerce.number().int().positive().optional(),
});

async function main(): Promise<number> {
  const flags = parseScriptFlags(
    "bench:bh-accuracy",
    USAGE,
    { n: { type: "string" }, run: { type: "string" } },
    argsSchema,
  );
  if ("exitCode" in flags) return flags.exitCode;
  const { n, run } = flags.args;
  const input = await loadBenchRows(n, run);
  const y = Float64Array.from(createTsne(input, { init: "pca" }).fit());
  const exact = exactRepulsion(y);
  console.log(`input=${input.what} rows=${input.rows} (a finished t-SNE layout, 1,000 iterations)`);
  for (const theta of [0.5, 0.6, 0.7]) {
    const forces = new Float64Array(y.length);
    const z = createRepulsion(y.length / 2, { threads: 1 })(y, theta, forces);
    const zError = Math.abs(z / exact.z - 1);
    console.log(
      `ours theta=${theta}: forces ${relativeError(forces, exact.forces).toExponential(2)}, Z ${zError.toExponential(2)}`,
    );
  }
  const perPoint = relativeError(perPointRepulsion(y, 0.5), exact.forces);
  console.log(`per-point test (scikit-learn's) theta=0.5: forces ${perPoint.toExponential(2)}`);
  return 0;
}

runScript("bench:bh-accuracy", main, { stack: true });

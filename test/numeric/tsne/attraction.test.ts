// The attraction's WebAssembly kernel gives the scalar loop's bits (same operations, same order) on real digits'
// affinities, on one and two threads.
import { afterAll, describe, expect, it } from "vitest";
import { getPool } from "@/lib/numeric/parallel";
import { computeAffinities } from "@/lib/numeric/tsne/affinities";
import { attraction, attractionWorkspace } from "@/lib/numeric/tsne/attraction";
import { computeKnn } from "@/lib/numeric/tsne/knn";
import { pca } from "@/lib/numeric/tsne/pca";
import { createRng } from "@/lib/numeric/random";
import { mnistTestDigits } from "./helpers";

/** The plain loop the kernel replaced: out_i = Σ_j p_ij (y_i − y_j) / ((1 + dx²) + dy²). */
function scalarAttraction(
  p: { n: number; rowStart: Int32Array; cols: Int32Array; values: Float64Array },
  y: Float64Array,
) {
  const out = new Float64Array(2 * p.n);
  for (let i = 0; i < p.n; i++) {
    let fx = 0;
    let fy = 0;
    for (let s = p.rowStart[i]!; s < p.rowStart[i + 1]!; s++) {
      const j = p.cols[s]!;
      const dx = y[2 * i]! - y[2 * j]!;
      const dy = y[2 * i + 1]! - y[2 * j + 1]!;
      const pw = p.values[s]! / (1 + dx * dx + dy * dy);
      fx += pw * dx;
      fy += pw * dy;
    }
    out[2 * i] = fx;
    out[2 * i + 1] = fy;
  }
  return out;
}

describe("attraction", () => {
  afterAll(async () => await getPool(2).close());

  it("equals the scalar loop bit for bit on 1,500 digits' affinities, on one and two threads", () => {
    const reduced = pca(mnistTestDigits(1500).matrix, 50).projected;
    const p = computeAffinities(computeKnn(reduced, 90), 30);
    const ws = attractionWorkspace(p);
    const rng = createRng(3);
    const y = Float64Array.from({ length: 2 * p.n }, () => 40 * (rng() - 0.5));
    const expected = scalarAttraction(p, y);
    expect(expected.some((v) => v !== 0)).toBe(true);
    for (const threads of [1, 2]) {
      const out = new Float64Array(2 * p.n).fill(Number.NaN);
      attraction(ws, y, out, threads);
      expect(Array.from(out)).toEqual(Array.from(expected));
    }
  });
});

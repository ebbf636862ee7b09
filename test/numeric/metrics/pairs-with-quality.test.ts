import { afterAll, describe, expect, it } from "vitest";
import { getPool } from "../../../lib/numeric/parallel";
import { allPairSeparations } from "../../../lib/numeric/pairs/separation";
import { pairsAndQuality } from "../../../lib/numeric/pairs/with-quality";
import { layoutsQuality } from "../../../lib/numeric/tsne/quality";
import { digitsWithTies, randomMatrix } from "../tsne/helpers";

describe("pairsAndQuality", () => {
  afterAll(() => getPool(2).close());

  it("gives allPairSeparations' and layoutsQuality's numbers bit for bit, on one thread and two, ties and all", () => {
    const { high, low, labels } = digitsWithTies(700);
    // A random layout: its neighbours rank far down in the input, so the penalties are large.
    const other = { data: randomMatrix(700, 2, 5).data, rows: 700, cols: 2 };
    for (const threads of [1, 2]) {
      for (const qualityK of [1, 10]) {
        const both = pairsAndQuality(high, [low, other], labels, 10, qualityK, { threads });
        const alone = layoutsQuality(high, [low, other], labels, qualityK, { threads: 1 });
        expect(both.quality, `threads ${threads}, k ${qualityK}`).toEqual(alone);
        expect(alone.layouts[1]!.trustworthiness).toBeLessThan(alone.layouts[0]!.trustworthiness);
      }
      const scores = allPairSeparations(new Float64Array(high.data), 700, 784, labels, 10, { threads: 1 });
      expect(pairsAndQuality(high, [low], labels, 10, 10, { threads }).scores).toEqual(scores);
    }
  });

  it("refuses a quality k above the pairs' k", () => {
    const { high, low, labels } = digitsWithTies(100);
    expect(() => pairsAndQuality(high, [low], labels, 5, 10)).toThrow(/ranks\.k must be an integer in 1\.\.5/);
  });
});

import { describe, expect, it } from "vitest";
import { correctnessBucket, decodeDataMap, encodeDataMap } from "../../lib/chart/data-map";
import { layoutReliability } from "../../lib/chart/reliability";

describe("the data map's binary", () => {
  it("decodes to the columns it was encoded from, column by column", () => {
    const columns = {
      confidence: [0.9, 0.1, 0.5],
      variability: [0.01, 0.02, 0.3],
      correctness: [1, 0, 0.5],
      forgetting: [0, 0, 2],
      firstLearned: [1, 0, 2],
      label: [7, 2, 1],
    };
    const blob = encodeDataMap(columns);
    expect(blob.length).toBe(18);
    const map = decodeDataMap(blob.buffer);
    expect(map.count).toBe(3);
    expect(Array.from(map.label)).toEqual([7, 2, 1]);
    expect(Array.from(map.forgetting)).toEqual([0, 0, 2]);
    expect(map.confidence[0]).toBeCloseTo(0.9, 6);
  });

  it("rejects columns of different lengths and a blob that is not whole columns", () => {
    const bad = {
      confidence: [1],
      variability: [1, 2],
      correctness: [1],
      forgetting: [1],
      firstLearned: [1],
      label: [1],
    };
    expect(() => encodeDataMap(bad)).toThrow("column variability has 2 values, expected 1");
    expect(() => decodeDataMap(new Float32Array(7).buffer)).toThrow("not 6 whole columns");
  });

  it("puts correctness into six colour buckets, 0 and 1 at the ends", () => {
    expect([0, 0.1, 0.5, 0.95, 1].map(correctnessBucket)).toEqual([0, 1, 3, 5, 5]);
  });
});

describe("reliability layout", () => {
  it("draws a bar for each non-empty bin, as tall as its accuracy", () => {
    const bins = [
      { lower: 0, upper: 0.5, count: 0, confidence: null, accuracy: null },
      { lower: 0.5, upper: 1, count: 4, confidence: 0.75, accuracy: 0.5 },
    ];
    const layout = layoutReliability(bins, 200, 200, { top: 0, right: 0, bottom: 0, left: 0 });
    expect(layout.bars).toHaveLength(1);
    expect(layout.bars[0]!.accuracyY).toBeCloseTo(100, 6);
    expect(layout.bars[0]!.confidenceY).toBeCloseTo(50, 6);
    expect(layout.bars[0]!.x).toBeCloseTo(101, 6);
  });
});

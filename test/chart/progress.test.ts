import { describe, expect, it } from "vitest";
import { formatDuration, trainingProgress } from "../../lib/chart/progress";

const base = { epochsPlanned: 4, batchesPerEpoch: 10, startedAtMs: 0, nowMs: 60_000 };

describe("trainingProgress", () => {
  it("counts finished epochs plus the batches of the current one", () => {
    const p = trainingProgress({ ...base, epochsDone: 1, progressEpoch: 1, progressBatch: 5, epochMs: [20_000] });
    expect(p.fraction).toBeCloseTo(1.5 / 4, 12);
    expect(p.etaMs).toBeCloseTo(2.5 * 20_000, 6);
  });

  it("estimates from the batch rate before the first epoch finishes", () => {
    const p = trainingProgress({ ...base, epochsDone: 0, progressEpoch: 0, progressBatch: 2, epochMs: [] });
    // 60 s for a fifth of an epoch: 300 s an epoch, 3.8 epochs left.
    expect(p.etaMs).toBeCloseTo(3.8 * 300_000, 6);
  });

  it("has no estimate before any batch, and ignores a batch counter from an older epoch", () => {
    expect(
      trainingProgress({ ...base, epochsDone: 0, progressEpoch: 0, progressBatch: 0, epochMs: [] }).etaMs,
    ).toBeNull();
    const stale = trainingProgress({ ...base, epochsDone: 2, progressEpoch: 1, progressBatch: 10, epochMs: [10, 10] });
    expect(stale.fraction).toBe(0.5);
  });

  it("never goes past 100% or below zero time left", () => {
    const p = trainingProgress({ ...base, epochsDone: 4, progressEpoch: 4, progressBatch: 10, epochMs: [1, 1, 1, 1] });
    expect(p.fraction).toBe(1);
    expect(p.etaMs).toBe(0);
  });
});

describe("formatDuration", () => {
  it("reads as seconds, minutes or hours", () => {
    expect(formatDuration(45_200)).toBe("45s");
    expect(formatDuration(185_000)).toBe("3m 05s");
    expect(formatDuration(3_720_000)).toBe("1h 02m");
    expect(formatDuration(-5)).toBe("0s");
  });
});

import { describe, expect, it } from "vitest";
import { estimateJobMs, estimateRemainingMs, formatEta, MEASURED_CALIBRATION } from "../../lib/core/job-estimate";
import { parseTrainConfig } from "../../lib/core/train-config";

describe("estimateJobMs", () => {
  const calibration = { nsPerTrainFlop: 1, nsPerEvalFlop: 0.5, overheadMs: 1000, source: "test" };

  it("multiplies each epoch's training and evaluation FLOPs by the measured speed", () => {
    const config = parseTrainConfig({
      architecture: { kind: "mlp", hidden: [100], dropout: 0 },
      epochs: 2,
      trainSize: 1000,
      testSize: 500,
      probeSize: 50,
      validationSplit: 0.2,
    });
    const flops = 2 * (784 * 100 + 100 * 10);
    const perEpoch = (800 * 3 * flops * 1 + (200 + 500) * flops * 0.5) / 1e6;
    expect(estimateJobMs(config, calibration)).toBeCloseTo(2 * perEpoch + (500 * flops * 0.5) / 1e6 + 1000, 6);
  });

  it("grows linearly with epochs once the fixed overhead is taken off", () => {
    const one = estimateJobMs(parseTrainConfig({ epochs: 1 }), MEASURED_CALIBRATION) - MEASURED_CALIBRATION.overheadMs;
    const four = estimateJobMs(parseTrainConfig({ epochs: 4 }), MEASURED_CALIBRATION) - MEASURED_CALIBRATION.overheadMs;
    expect(four / one).toBeGreaterThan(3.5);
    expect(four / one).toBeLessThan(4);
  });
});

describe("estimateRemainingMs", () => {
  it("extrapolates the current epoch from its batches and the rest from finished epochs", () => {
    expect(
      estimateRemainingMs({
        epochs: 3,
        epoch: 2,
        batch: 10,
        batches: 40,
        elapsedInEpochMs: 1000,
        finishedEpochMs: [5000],
      }),
    ).toBe(3000 + 5000);
  });

  it("uses the current pace for later epochs before any epoch has finished", () => {
    expect(
      estimateRemainingMs({ epochs: 2, epoch: 1, batch: 5, batches: 10, elapsedInEpochMs: 500, finishedEpochMs: [] }),
    ).toBe(500 + 1000);
  });
});

describe("formatEta", () => {
  it("reads as seconds, minutes or hours", () => {
    expect(formatEta(44_600)).toBe("45 s");
    expect(formatEta(200_000)).toBe("3 min 20 s");
    expect(formatEta(2 * 3600_000 + 5 * 60_000)).toBe("2 h 05 min");
  });
});

import { describe, expect, it } from "vitest";
import { parseJobForm, trainArgsOf } from "../../lib/core/job-params";
import { estimateJobBytes } from "../../lib/core/job-cost";
import { countParams } from "../../lib/core/param-count";
import { parseTrainConfig } from "../../lib/core/train-config";
import { parseTrainArgs } from "../../lib/features/train/cli-args";

describe("keeping every epoch's weights", () => {
  it("is off by default and set by the form's checkbox or a JSON boolean", () => {
    expect(parseTrainConfig({}).keepEpochWeights).toBe(false);
    for (const value of ["on", true, "true"]) {
      const parsed = parseJobForm({ keepEpochWeights: value });
      expect(parsed.ok && parsed.config.keepEpochWeights).toBe(true);
    }
    for (const value of ["", "off", false]) {
      const parsed = parseJobForm({ keepEpochWeights: value });
      expect(parsed.ok && parsed.config.keepEpochWeights).toBe(false);
    }
    const bad = parseJobForm({ keepEpochWeights: "yes please" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.fieldErrors.keepEpochWeights?.length).toBeGreaterThan(0);
  });

  it("reaches the worker's child as --keep-epoch-weights and back", () => {
    const parsed = parseJobForm({ keepEpochWeights: "on", epochs: "3" });
    if (!parsed.ok) throw new Error("form rejected");
    const args = trainArgsOf(parsed.config);
    expect(args).toContain("--keep-epoch-weights");
    expect(parseTrainArgs(args).config).toEqual(parsed.config);
    expect(parseTrainArgs([]).config.keepEpochWeights).toBe(false);
  });

  it("adds parameters × 4 bytes × epochs to the storage estimate", () => {
    const config = parseTrainConfig({ epochs: 5 });
    const without = estimateJobBytes(config);
    const withWeights = estimateJobBytes({ ...config, keepEpochWeights: true });
    expect(withWeights.total - without.total).toBe(countParams(config.architecture) * 4 * 5);
  });
});

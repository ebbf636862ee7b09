import { describe, expect, it } from "vitest";
import {
  costLimitProblems,
  estimateJobBytes,
  estimateJobCost,
  formatBytes,
  recordedLayerWidths,
  RECORDED_BLOCK_VALUES,
} from "../../lib/core/job-cost";
import { MEASURED_CALIBRATION } from "../../lib/core/job-estimate";
import { countParams } from "../../lib/core/param-count";
import { parseTrainConfig } from "../../lib/core/train-config";
import { MAX_BLOCK_VALUES } from "../../lib/model/create";

const LIMITS = { maxTrainingMs: 6 * 3_600_000, maxStorageBytes: 5e9 };

describe("a job's storage estimate", () => {
  it("records the layers the probe model records: hidden widths, or the CNN's pooled blocks and dense layer", () => {
    expect(RECORDED_BLOCK_VALUES).toBe(MAX_BLOCK_VALUES);
    expect(recordedLayerWidths(parseTrainConfig({}).architecture)).toEqual([512, 512, 512]);
    // lib/model/create.ts: "the CNN preset records 1,568 + 1,600 + 128 values per digit".
    expect(recordedLayerWidths(parseTrainConfig({ architecture: { kind: "cnn" } }).architecture)).toEqual([
      1568, 1600, 128,
    ]);
  });

  it("counts the seed run's probe embeddings as the recorded ones: 16 epochs × 2,000 digits × (1,536 + 10) floats + the test set's last layer", () => {
    const bytes = estimateJobBytes(parseTrainConfig({}));
    // Measured on the seed run's database (data/seed.db): 218 MB of Embedding.data and Epoch.probeProbs.
    expect(bytes.embeddings).toBe(16 * 2000 * 1546 * 4 + 10_000 * 512 * 4);
    expect(bytes.checkpoints).toBe(countParams(parseTrainConfig({}).architecture) * 4);
    expect(bytes.total).toBe(bytes.embeddings + bytes.checkpoints + bytes.predictions + bytes.projections);
    expect(formatBytes(bytes.total)).toBe("226 MB");
  });

  it("finds the issue's 8 × 4096, 500-epoch, 10,000-probe job far over both default limits, naming estimate and limit", () => {
    const config = parseTrainConfig({
      architecture: { kind: "mlp", hidden: Array(8).fill(4096) },
      epochs: 500,
      batchSize: 1,
      probeSize: 10_000,
    });
    const cost = estimateJobCost(config, MEASURED_CALIBRATION);
    expect(cost.storageBytes).toBeGreaterThan(655e9);
    const problems = costLimitProblems([cost], LIMITS);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^this job would train for an estimated \d+ h \d\d min, over the server's limit of 6 h 00 min/,
    );
    expect(problems[1]).toMatch(/^this job would store an estimated 6\d\d GB, over the server's limit of 5\.00 GB/);
  });

  it("limits jobs queued together by their sum", () => {
    const seed = estimateJobCost(parseTrainConfig({}), MEASURED_CALIBRATION);
    expect(costLimitProblems([seed], LIMITS)).toEqual([]);
    const sweep = Array.from({ length: 25 }, () => seed);
    expect(costLimitProblems(sweep, LIMITS).join()).toMatch(
      /^these 25 jobs together would store an estimated 5\.\d\d GB/,
    );
  });
});

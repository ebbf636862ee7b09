import { describe, expect, it } from "vitest";
import { jobParamsOf, parseJobForm, parseJobKind } from "../../lib/core/job-params";
import { estimateCrossvalCost, estimateJobCost } from "../../lib/core/job-cost";
import { MEASURED_CALIBRATION } from "../../lib/core/job-estimate";
import { parseTrainConfig } from "../../lib/core/train-config";

describe("the job kind of the admin form", () => {
  it("a body without kind is a training job whose stored params are the config alone", () => {
    const kind = parseJobKind({ epochs: "3" });
    expect(kind).toEqual({ ok: true, job: { kind: "train" } });
    const config = parseTrainConfig({ epochs: 3 });
    expect(jobParamsOf(config, { kind: "train" })).toBe(config);
  });

  it("crossval takes folds as text or a number, 4 by default, and is stored beside the config", () => {
    expect(parseJobKind({ kind: "crossval", folds: "5" })).toEqual({ ok: true, job: { kind: "crossval", folds: 5 } });
    expect(parseJobKind({ kind: "crossval" })).toEqual({ ok: true, job: { kind: "crossval", folds: 4 } });
    const stored = JSON.parse(JSON.stringify(jobParamsOf(parseTrainConfig({}), { kind: "crossval", folds: 3 })));
    expect(parseJobKind(stored)).toEqual({ ok: true, job: { kind: "crossval", folds: 3 } });
    // The training config read back from the same params is unchanged by the two extra keys.
    expect(parseTrainConfig(stored)).toEqual(parseTrainConfig({}));
  });

  it("names the field of a bad kind or fold count", () => {
    expect(parseJobKind({ kind: "tune" })).toMatchObject({ ok: false, field: "kind" });
    expect(parseJobKind({ kind: "crossval", folds: 1 })).toMatchObject({
      ok: false,
      field: "folds",
      message: /2 to 10/,
    });
    expect(parseJobKind({ kind: "crossval", folds: "2.5" })).toMatchObject({ ok: false, field: "folds" });
    expect(parseJobKind({ kind: "crossval", folds: "x" })).toMatchObject({ ok: false, field: "folds" });
  });

  it("the form's own validation ignores kind and folds", () => {
    expect(parseJobForm({ kind: "crossval", folds: "4", epochs: "2" })).toMatchObject({ ok: true });
  });

  it("a crossval job costs about `folds` trainings on (k−1)/k of the digits and stores 41 bytes a digit", () => {
    const config = parseTrainConfig({ trainSize: 60_000, validationSplit: 0, testSize: 10, probeSize: 0 });
    const one = estimateJobCost(config, MEASURED_CALIBRATION).trainingMs - MEASURED_CALIBRATION.overheadMs;
    const cv = estimateCrossvalCost(config, 4, MEASURED_CALIBRATION);
    // 4 folds × 3/4 of the digits ≈ 3 trainings on all of them (evaluation passes are small beside training).
    expect((cv.trainingMs - MEASURED_CALIBRATION.overheadMs) / one).toBeGreaterThan(2.9);
    expect((cv.trainingMs - MEASURED_CALIBRATION.overheadMs) / one).toBeLessThan(3.2);
    expect(cv.storageBytes).toBe(60_000 * 41);
  });
});

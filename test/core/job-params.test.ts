import { describe, expect, it } from "vitest";
import { parseJobForm, trainArgsOf } from "../../lib/core/job-params";
import { describeRange, jobFormSpecs } from "../../lib/core/job-form-fields";
import { parseTrainArgs } from "../../lib/features/train/cli-args";
import { parseTrainConfig } from "../../lib/core/train-config";

function errorsOf(input: unknown) {
  const result = parseJobForm(input);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.config)}`);
  return result;
}

describe("parseJobForm", () => {
  it("fills every omitted field with the seed's value", () => {
    const result = parseJobForm({});
    expect(result).toEqual({ ok: true, config: parseTrainConfig({}) });
  });

  it("reads the text of form inputs as numbers and widths", () => {
    const result = parseJobForm({
      architecture: "mlp",
      hidden: " 256, 128 ",
      dropout: "0.1",
      optimizer: "sgd",
      learningRate: "0.05",
      epochs: "3",
      batchSize: "64",
      trainSize: "2000",
      testSize: "500",
      probeSize: "50",
      validationSplit: "0.1",
      seed: "7",
    });
    expect(result.ok && result.config).toMatchObject({
      name: "MLP 256-128",
      architecture: { kind: "mlp", hidden: [256, 128], dropout: 0.1 },
      optimizer: { name: "sgd", learningRate: 0.05, momentum: 0.9 },
      epochs: 3,
      batchSize: 64,
      trainSize: 2000,
      testSize: 500,
      probeSize: 50,
      validationSplit: 0.1,
      seed: 7,
    });
  });

  it("names the CNN preset and gives it its own default dropout", () => {
    const result = parseJobForm({ architecture: "cnn", hidden: "1,2,3" });
    expect(result.ok && result.config).toMatchObject({
      name: "CNN preset",
      architecture: { kind: "cnn", filters: [32, 64], dense: 128, dropout: 0.5 },
    });
  });

  it("reports each bad value against its form field", () => {
    const { fieldErrors } = errorsOf({
      epochs: -1,
      batchSize: 0,
      optimizer: "lbfgs",
      validationSplit: 1.5,
      learningRate: "fast",
      hidden: "512,x",
    });
    expect(Object.keys(fieldErrors).sort()).toEqual([
      "batchSize",
      "epochs",
      "hidden",
      "learningRate",
      "optimizer",
      "validationSplit",
    ]);
    expect(fieldErrors.epochs![0]).toMatch(/>=1/);
    expect(fieldErrors.learningRate![0]).toBe('must be a number, got "fast"');
    expect(fieldErrors.optimizer![0]).toMatch(/rmsprop|adam|sgd|Invalid option/);
  });

  it("rejects an unknown architecture, a fractional batch size and too many hidden layers", () => {
    expect(errorsOf({ architecture: "transformer" }).fieldErrors.architecture).toEqual([
      'must be mlp or cnn, got "transformer"',
    ]);
    expect(errorsOf({ batchSize: 12.5 }).fieldErrors.batchSize).toBeDefined();
    expect(errorsOf({ hidden: "1,1,1,1,1,1,1,1,1" }).fieldErrors.hidden).toBeDefined();
  });

  it("checks the probe set against the test size and the split against the training size", () => {
    expect(errorsOf({ testSize: 500, probeSize: 600 }).fieldErrors.probeSize).toEqual([
      "must not exceed the test size (500)",
    ]);
    expect(errorsOf({ trainSize: 10, validationSplit: 0.95 }).fieldErrors.validationSplit).toEqual([
      "leaves no training digits out of 10",
    ]);
  });

  it("refuses fields it does not know and values of the wrong type", () => {
    expect(errorsOf({ momentum: 0.5 }).formErrors.join()).toMatch(/momentum/);
    expect(errorsOf({ epochs: { $gt: 1 } }).fieldErrors.epochs).toBeDefined();
    expect(errorsOf("epochs=3").formErrors.length).toBe(1);
  });
});

describe("trainArgsOf", () => {
  const configs = [
    parseJobForm({}),
    parseJobForm({
      architecture: "cnn",
      optimizer: "adam",
      learningRate: 0.0003,
      epochs: 2,
      name: "--looks like a flag",
      notes: "line 1\nline 2",
      seed: 0,
    }),
    parseJobForm({
      hidden: "64",
      dropout: 0,
      optimizer: "sgd",
      learningRate: 1e-6,
      validationSplit: 0,
      trainSize: 1000,
      testSize: 500,
      probeSize: 0,
    }),
  ];

  it.each(configs.map((c, i) => [i, c] as const))(
    "gives flags that npm run train parses back into the same config (#%i)",
    (_, result) => {
      if (!result.ok) throw new Error("fixture invalid");
      expect(parseTrainArgs(trainArgsOf(result.config)).config).toEqual(result.config);
    },
  );

  it("pass the job id with --job-id, which must be a positive integer", () => {
    const result = configs[0]!;
    if (!result.ok) throw new Error("fixture invalid");
    expect(parseTrainArgs([...trainArgsOf(result.config), "--job-id=7"]).jobId).toBe(7);
    expect(parseTrainArgs(trainArgsOf(result.config)).jobId).toBeUndefined();
    expect(() => parseTrainArgs(["--job-id=0"])).toThrow('--job-id must be a positive integer, got "0"');
    expect(() => parseTrainArgs(["--job-id=2.5"])).toThrow('--job-id must be a positive integer, got "2.5"');
  });

  it("refuses settings the training CLI cannot express", () => {
    const config = parseTrainConfig({ optimizer: { name: "sgd", momentum: 0.5 } });
    expect(() => trainArgsOf(config)).toThrow(/no flag for rho or momentum/);
  });
});

describe("jobFormSpecs", () => {
  it("states the training schema's ranges and defaults", () => {
    const specs = jobFormSpecs();
    expect(specs.epochs).toEqual({
      min: 1,
      max: 500,
      minExclusive: false,
      maxExclusive: false,
      integer: true,
      default: 16,
    });
    expect(specs.learningRate).toMatchObject({
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: false,
      default: 0.001,
    });
    expect(specs.validationSplit).toMatchObject({ min: 0, max: 1, maxExclusive: true, default: 0.2 });
    expect(specs.dropout.cnn.default).toBe(0.5);
    expect(specs.hidden).toMatchObject({
      minLayers: 1,
      maxLayers: 8,
      default: [512, 512, 512],
      width: { min: 1, max: 4096 },
    });
    expect(specs.optimizers).toEqual(["rmsprop", "adam", "sgd"]);
  });

  it("describes ranges as sentences", () => {
    const specs = jobFormSpecs();
    expect(describeRange(specs.epochs)).toBe("1 to 500");
    expect(describeRange(specs.trainSize)).toBe("10 to 60,000");
    expect(describeRange(specs.learningRate)).toBe("greater than 0, at most 1");
    expect(describeRange(specs.validationSplit)).toBe("at least 0, below 1");
  });
});

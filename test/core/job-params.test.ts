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
    expect(fieldErrors.learningRate![0]).toBe(
      'learningRate must be a number, got "fast" (plain decimal such as 16 or 0.001)',
    );
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

describe("parseJobForm's strict reading", () => {
  it("takes numbers as JSON numbers or plain decimal text only", () => {
    for (const text of ["0x10", "1e2", " 16", "16 ", "+16", "Infinity", "1_000", "0b11", "16abc"]) {
      const { fieldErrors } = errorsOf({ epochs: text });
      expect(fieldErrors.epochs, text).toEqual([
        `epochs must be a number, got ${JSON.stringify(text)} (plain decimal such as 16 or 0.001)`,
      ]);
    }
    const result = parseJobForm({ epochs: "16", learningRate: ".005", dropout: 0.25, batchSize: "" });
    expect(result.ok && result.config).toMatchObject({
      epochs: 16,
      optimizer: { learningRate: 0.005 },
      architecture: { dropout: 0.25 },
      batchSize: 128,
    });
  });

  it("takes hidden widths as a flat list: nested arrays, booleans and hex widths are refused", () => {
    for (const hidden of [[[4]], [true], ["0x10"], "0x10,4", [null], [{ w: 4 }]]) {
      expect(errorsOf({ hidden }).fieldErrors.hidden, JSON.stringify(hidden)).toBeDefined();
    }
    expect(parseJobForm({ hidden: [64, "32"] })).toMatchObject({
      ok: true,
      config: { architecture: { hidden: [64, 32] } },
    });
  });

  it("answers a 20,000-deep hidden array with a field error, not a stack overflow", () => {
    let deep: unknown = 4;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(errorsOf({ hidden: deep }).fieldErrors.hidden).toBeDefined();
  });

  it("refuses a body that is not an object instead of queueing the default job", () => {
    for (const body of [null, undefined, [], [{}], "epochs=3", 16, true]) {
      const { formErrors } = errorsOf(body);
      expect(formErrors.join(), String(body)).toMatch(/^the parameters must be a JSON object/);
    }
  });

  it("refuses control characters in the name and notes with a message naming the field", () => {
    expect(errorsOf({ name: "evil\u0000name" }).fieldErrors.name).toEqual([
      "name must not contain control characters (U+0000 at character 5)",
    ]);
    expect(errorsOf({ name: "two\nlines" }).fieldErrors.name![0]).toMatch(/^name must not contain control/);
    expect(errorsOf({ name: "c1\u0085" }).fieldErrors.name![0]).toMatch(/U\+0085/);
    expect(errorsOf({ notes: "bell\u0007" }).fieldErrors.notes).toEqual([
      "notes must not contain control characters other than tab and line breaks (U+0007 at character 5)",
    ]);
    expect(parseJobForm({ name: "ünïcode ✓", notes: "line 1\r\n\tline 2" }).ok).toBe(true);
  });

  it("gives the same rule, by flag name, to npm run train", () => {
    expect(() => parseTrainArgs(["--name=a\u0001b"])).toThrow(
      "--name: name must not contain control characters (U+0001 at character 2)",
    );
    expect(() => parseTrainArgs(["--notes=\u001b[31m"])).toThrow(/^--notes: notes must not contain control/);
    expect(() => parseTrainArgs(["--epochs=0x10"])).toThrow('--epochs must be a number, got "0x10"');
    expect(() => parseTrainArgs(["--lr=1e-3"])).toThrow('--lr must be a number, got "1e-3"');
  });

  it("writes tiny learning rates as plain decimal flags that parse back exactly", () => {
    const result = parseJobForm({ learningRate: 1.5e-7 });
    if (!result.ok) throw new Error("fixture invalid");
    expect(trainArgsOf(result.config)).toContain("--lr=0.00000015");
    expect(parseTrainArgs(trainArgsOf(result.config)).config).toEqual(result.config);
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

import { describe, expect, it } from "vitest";
import { parseJobForm, trainArgsOf } from "../../lib/core/job-params";
import { presetFormValues, switchArchitecture } from "../../lib/core/job-form-fields";
import { parseTrainConfig, PRESET_DEFAULTS, withPresetDefaults } from "../../lib/core/train-config";
import { parseTrainArgs } from "../../lib/features/train/cli-args";

function configOf(fields: Record<string, unknown>) {
  const result = parseJobForm(fields);
  if (!result.ok) throw new Error(`expected a valid form, got ${JSON.stringify(result)}`);
  return result.config;
}

describe("each architecture's preset defaults", () => {
  it("give the CNN Adam at 1e-3 for 12 epochs and leave the seed MLP's RMSprop and 16 epochs", () => {
    expect(PRESET_DEFAULTS).toEqual({
      mlp: { optimizer: "rmsprop", learningRate: 0.001, epochs: 16 },
      cnn: { optimizer: "adam", learningRate: 0.001, epochs: 12 },
    });
    expect(parseTrainConfig({ architecture: { kind: "cnn" } })).toMatchObject({
      epochs: 12,
      optimizer: { name: "adam", learningRate: 0.001, rho: 0.9, momentum: 0.9 },
    });
    expect(parseTrainConfig({ architecture: { kind: "mlp" } })).toEqual(parseTrainConfig({}));
  });

  it("fill only what a config leaves out, and hand anything else to the schema untouched", () => {
    expect(withPresetDefaults({ architecture: { kind: "cnn" }, optimizer: { name: "sgd" }, epochs: 3 })).toEqual({
      architecture: { kind: "cnn" },
      optimizer: { name: "sgd", learningRate: 0.001 },
      epochs: 3,
    });
    expect(withPresetDefaults({ architecture: { kind: "rnn" } })).toEqual({ architecture: { kind: "rnn" } });
    expect(withPresetDefaults({ optimizer: "adam" })).toEqual({ optimizer: "adam" });
    expect(withPresetDefaults("epochs=3")).toBe("epochs=3");
    expect(() => parseTrainConfig({ architecture: { kind: "cnn" }, optimizer: "adam" })).toThrow(/optimizer/);
  });
});

describe("the admin form's CNN preset", () => {
  it("queues Adam, 1e-3 and 12 epochs when those fields are left empty", () => {
    expect(configOf({ architecture: "cnn", optimizer: "", learningRate: "", epochs: "" })).toMatchObject({
      name: "CNN preset",
      epochs: 12,
      optimizer: { name: "adam", learningRate: 0.001 },
      architecture: { kind: "cnn", dropout: 0.5 },
    });
  });

  it("keeps a field the admin gives", () => {
    expect(configOf({ architecture: "cnn", optimizer: "rmsprop", learningRate: "0.0005", epochs: "2" })).toMatchObject({
      epochs: 2,
      optimizer: { name: "rmsprop", learningRate: 0.0005 },
    });
    expect(configOf({ architecture: "cnn", epochs: 20 })).toMatchObject({ epochs: 20, optimizer: { name: "adam" } });
  });

  it("leaves the MLP's form result as the seed's", () => {
    expect(configOf({ architecture: "mlp" })).toEqual(parseTrainConfig({}));
  });

  it("reaches the worker's training child unchanged through its flags", () => {
    const config = configOf({ architecture: "cnn", trainSize: 600, testSize: 100, probeSize: 50 });
    expect(parseTrainArgs(trainArgsOf(config)).config).toEqual(config);
  });

  it("moves the preset's fields along when the architecture is switched, except those the admin changed", () => {
    const mlp = { architecture: "mlp", hidden: "512,512,512", ...presetFormValues("mlp"), seed: "42" };
    expect(mlp).toMatchObject({ dropout: "0.2", optimizer: "rmsprop", learningRate: "0.001", epochs: "16" });
    const cnn = switchArchitecture(mlp, "cnn");
    expect(cnn).toEqual({
      architecture: "cnn",
      hidden: "512,512,512",
      dropout: "0.5",
      optimizer: "adam",
      learningRate: "0.001",
      epochs: "12",
      seed: "42",
    });
    expect(switchArchitecture(cnn, "mlp")).toEqual(mlp);
    const edited = switchArchitecture({ ...mlp, epochs: "4", optimizer: "sgd" }, "cnn");
    expect([edited.epochs, edited.optimizer, edited.dropout, edited.learningRate]).toEqual([
      "4",
      "sgd",
      "0.5",
      "0.001",
    ]);
  });
});

describe("npm run train --arch cnn", () => {
  it("takes the CNN preset's optimizer, learning rate and epochs", () => {
    expect(parseTrainArgs(["--arch", "cnn"]).config).toMatchObject({
      name: "CNN preset",
      epochs: 12,
      optimizer: { name: "adam", learningRate: 0.001 },
      architecture: { kind: "cnn", dropout: 0.5 },
    });
  });

  it("lets an explicit flag win over the preset", () => {
    expect(
      parseTrainArgs(["--arch", "cnn", "--optimizer", "sgd", "--lr", "0.01", "--epochs", "3"]).config,
    ).toMatchObject({ epochs: 3, optimizer: { name: "sgd", learningRate: 0.01 } });
    expect(parseTrainArgs(["--arch", "cnn", "--lr", "0.0003"]).config.optimizer).toMatchObject({
      name: "adam",
      learningRate: 0.0003,
    });
  });

  it("leaves the MLP's defaults as the seed's", () => {
    expect(parseTrainArgs(["--arch", "mlp"]).config).toEqual(parseTrainArgs([]).config);
    expect(parseTrainArgs([]).config).toMatchObject({ epochs: 16, optimizer: { name: "rmsprop" } });
  });
});

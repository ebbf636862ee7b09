import { describe, expect, it } from "vitest";
import { CliError, parseTrainArgs } from "../../../lib/features/train/cli-args";
import { spawnTrain } from "../../helpers/spawn";

describe("npm run train flags", () => {
  it("default to the seed's hyperparameters", () => {
    const { config } = parseTrainArgs([]);
    expect(config).toMatchObject({
      epochs: 16,
      batchSize: 128,
      validationSplit: 0.2,
      trainSize: 60_000,
      testSize: 10_000,
      probeSize: 2000,
      shuffle: true,
      optimizer: { name: "rmsprop", learningRate: 0.001, rho: 0.9 },
      architecture: { kind: "mlp", hidden: [512, 512, 512], dropout: 0.2 },
    });
  });

  it("read the documented flags", () => {
    const cli = parseTrainArgs([
      "--epochs",
      "2",
      "--train-size",
      "6000",
      "--probe-size",
      "100",
      "--seed",
      "7",
      "--name",
      "quick",
      "--arch",
      "cnn",
      "--optimizer",
      "adam",
      "--lr",
      "0.01",
    ]);
    expect(cli.config).toMatchObject({
      epochs: 2,
      trainSize: 6000,
      probeSize: 100,
      seed: 7,
      name: "quick",
      architecture: { kind: "cnn" },
      optimizer: { name: "adam", learningRate: 0.01 },
    });
  });

  it("name the bad flag and its problem", () => {
    expect(() => parseTrainArgs(["--epochs", "0"])).toThrow(/--epochs: Too small: expected number to be >=1/);
    expect(() => parseTrainArgs(["--epochs", "two"])).toThrow('--epochs must be a number, got "two"');
    expect(() => parseTrainArgs(["--optimizer", "lbfgs"])).toThrow(/--optimizer: Invalid option/);
    expect(() => parseTrainArgs(["--probe-size", "5000", "--test-size", "1000"])).toThrow(
      /probeSize 5000 exceeds testSize 1000/,
    );
    expect(() => parseTrainArgs(["--bogus"])).toThrow(CliError);
  });

  it("make the real script exit with code 2 and a clear message on a bad flag", async () => {
    const train = spawnTrain(["--batch-size", "0"], { DATABASE_URL: "file:/nonexistent/never-opened.db" });
    const { code, stderr } = await train.exit;
    expect(code).toBe(2);
    expect(stderr).toContain("--batch-size: Too small: expected number to be >=1");
    expect(stderr).toContain("usage: npm run train");
  });
});

import { describe, expect, it } from "vitest";
import { countSweepJobs, expandSweep, numericAxisValues, sweepConfigs } from "../../lib/core/sweep-expand";
import { parseSweepSpec, MAX_SWEEP_JOBS, type SweepSpec, type SweepSpecInput } from "../../lib/core/sweep-spec";
import { parseAxisText, sweepSpecOfForm, type SweepFormValues } from "../../lib/core/sweep-form";

function spec(input: SweepSpecInput): SweepSpec {
  const parsed = parseSweepSpec(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.spec;
}

const TINY = { epochs: 1, trainSize: 500, testSize: 100, probeSize: 20 };

describe("a grid sweep", () => {
  it("queues the product of the axes' value counts, every combination once, the last axis fastest", () => {
    const s = spec({
      name: "g",
      mode: "grid",
      axes: {
        learningRate: { values: [0.001, 0.01] },
        hidden: { values: [[64], [32, 32], [16]] },
        optimizer: { values: ["adam", "sgd"] },
      },
      fixed: TINY,
    });
    expect(countSweepJobs(s)).toBe(2 * 3 * 2);
    const jobs = expandSweep(s);
    expect(jobs).toHaveLength(12);
    const keys = jobs.map((j) => JSON.stringify(j.point));
    expect(new Set(keys).size).toBe(12);
    expect(jobs[0]!.point).toEqual({ learningRate: 0.001, hidden: [64], optimizer: "adam" });
    expect(jobs[1]!.point).toEqual({ learningRate: 0.001, hidden: [64], optimizer: "sgd" });
    expect(jobs[11]!.point).toEqual({ learningRate: 0.01, hidden: [16], optimizer: "sgd" });
    expect(jobs[1]!.form.name).toBe("g 2/12: lr 0.001 · 64 · sgd");
  });

  it("spaces a learning-rate range on a log scale by default and a dropout range linearly, ends included", () => {
    expect(numericAxisValues("learningRate", { range: { start: 0.0001, stop: 0.01, steps: 3 } })).toEqual([
      0.0001, 0.001, 0.01,
    ]);
    expect(numericAxisValues("dropout", { range: { start: 0, stop: 0.4, steps: 5 } })).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(
      numericAxisValues("learningRate", { range: { start: 0.001, stop: 0.003, steps: 3, scale: "linear" } }),
    ).toEqual([0.001, 0.002, 0.003]);
  });

  it("rounds whole-number axes and drops the duplicates rounding makes", () => {
    expect(numericAxisValues("batchSize", { range: { start: 30, stop: 33, steps: 7 } })).toEqual([30, 31, 32, 33]);
  });

  it("validates every job through the job form's rules and names the axis and the job that broke them", () => {
    const s = spec({ name: "bad", mode: "grid", axes: { learningRate: { values: [0.01, 2] } }, fixed: TINY });
    const result = sweepConfigs(s);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors)).toEqual(["axes.learningRate"]);
    expect(result.errors["axes.learningRate"]![0]).toMatch(/^axes\.learningRate in job 2 \(lr 2\): /);
  });

  it("refuses more than MAX_SWEEP_JOBS combinations without building them", () => {
    const s = spec({
      name: "big",
      mode: "grid",
      axes: { seed: { range: { start: 1, stop: 50, steps: 50 } }, batchSize: { values: [32, 64] } },
    });
    expect(countSweepJobs(s)).toBe(100);
    expect(() => expandSweep(s)).toThrow(RangeError);
    const result = sweepConfigs(s);
    expect(result.ok || result.errors.axes![0]).toMatch(new RegExp(`at most ${MAX_SWEEP_JOBS}`));
  });
});

describe("a random sweep", () => {
  const input: SweepSpecInput = {
    name: "r",
    mode: "random",
    count: 40,
    drawSeed: 7,
    axes: {
      learningRate: { range: { start: 0.0001, stop: 0.1 } },
      dropout: { range: { start: 0.1, stop: 0.5 } },
      batchSize: { range: { start: 16, stop: 256 } },
      optimizer: { values: ["adam", "rmsprop"] },
    },
    fixed: TINY,
  };

  it("draws the same jobs from the same seed and others from another seed", () => {
    expect(expandSweep(spec(input))).toEqual(expandSweep(spec(input)));
    expect(expandSweep(spec({ ...input, drawSeed: 8 }))).not.toEqual(expandSweep(spec(input)));
  });

  it("draws `count` jobs inside the ranges, whole batch sizes, learning rates spread over the decades", () => {
    const jobs = expandSweep(spec(input));
    expect(jobs).toHaveLength(40);
    for (const { point } of jobs) {
      expect(point.learningRate!).toBeGreaterThanOrEqual(0.0001);
      expect(point.learningRate!).toBeLessThanOrEqual(0.1);
      expect(point.dropout!).toBeGreaterThanOrEqual(0.1);
      expect(point.dropout!).toBeLessThanOrEqual(0.5);
      expect(Number.isInteger(point.batchSize)).toBe(true);
      expect(point.batchSize!).toBeGreaterThanOrEqual(16);
      expect(point.batchSize!).toBeLessThanOrEqual(256);
      expect(["adam", "rmsprop"]).toContain(point.optimizer);
    }
    // Log-uniform: about a third of 40 draws in each of the three decades, none empty.
    const decades = [0, 0, 0];
    for (const { point } of jobs) decades[Math.min(2, Math.floor(Math.log10(point.learningRate! / 0.0001)))]!++;
    expect(decades.every((n) => n >= 5)).toBe(true);
    expect(sweepConfigs(spec(input)).ok).toBe(true);
  });
});

describe("the sweep spec's validation", () => {
  it("names the field of every mistake", () => {
    const cases: Array<[unknown, string]> = [
      [{ name: "x", mode: "grid", axes: {} }, "axes"],
      [{ name: "x", mode: "random", axes: { seed: { values: [1] } } }, "count"],
      [{ name: "x", mode: "grid", count: 3, axes: { seed: { values: [1] } } }, "count"],
      [{ name: "x", mode: "lattice", axes: { seed: { values: [1] } } }, "mode"],
      [
        { name: "x", mode: "grid", axes: { learningRate: { range: { start: 0, stop: 1, steps: 2 } } } },
        "axes.learningRate.range.start",
      ],
      [{ name: "x", mode: "grid", axes: { dropout: { range: { start: 0, stop: 0.5 } } } }, "axes.dropout.range.steps"],
      [{ name: "x", mode: "grid", axes: { seed: { values: [1] } }, fixed: { seed: 3 } }, "fixed.seed"],
      [{ name: "x", mode: "grid", axes: { seed: { values: [1] }, colour: {} } }, "axes"],
      [{ name: "x", mode: "grid", axes: { hidden: { values: [[8]] } }, fixed: { architecture: "cnn" } }, "axes.hidden"],
      [{ name: "", mode: "grid", axes: { seed: { values: [1] } } }, "name"],
    ];
    for (const [input, field] of cases) {
      const result = parseSweepSpec(input);
      expect(result.ok, JSON.stringify(input)).toBe(false);
      if (!result.ok) expect(Object.keys(result.errors), JSON.stringify(input)).toContain(field);
    }
  });
});

describe("the sweep form's text", () => {
  it("reads lists, ranges and hidden-width lists", () => {
    expect(parseAxisText("learningRate", "0.001, 0.01")).toEqual({ ok: true, value: { values: [0.001, 0.01] } });
    expect(parseAxisText("learningRate", "0.0001..0.01/3")).toEqual({
      ok: true,
      value: { range: { start: 0.0001, stop: 0.01, steps: 3 } },
    });
    expect(parseAxisText("hidden", "512,512,512 | 256,256")).toEqual({
      ok: true,
      value: {
        values: [
          [512, 512, 512],
          [256, 256],
        ],
      },
    });
    expect(parseAxisText("dropout", "")).toEqual({ ok: true, value: undefined });
    const bad = parseAxisText("batchSize", "64, 1e3");
    expect(bad.ok || bad.message).toBe('batchSize: "1e3" is not a plain decimal number');
  });

  it("builds the spec the API validates from the form's values", () => {
    const values: SweepFormValues = {
      name: "form",
      mode: "grid",
      count: "",
      drawSeed: "",
      learningRate: "0.001, 0.003",
      hidden: "32 | 16",
      dropout: "",
      optimizer: "",
      batchSize: "",
      seed: "",
      architecture: "mlp",
      epochs: "1",
      trainSize: "500",
      validationSplit: "",
      testSize: "100",
      probeSize: "20",
      notes: "",
    };
    const built = sweepSpecOfForm(values);
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    const result = sweepConfigs(spec(built.input));
    expect(result.ok && result.configs.map((c) => [c.optimizer.learningRate, c.architecture])).toEqual([
      [0.001, { kind: "mlp", hidden: [32], dropout: 0.2 }],
      [0.001, { kind: "mlp", hidden: [16], dropout: 0.2 }],
      [0.003, { kind: "mlp", hidden: [32], dropout: 0.2 }],
      [0.003, { kind: "mlp", hidden: [16], dropout: 0.2 }],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { selectProbeIndices } from "../../lib/mnist/probe";
import { loadMnist } from "../../lib/mnist/dataset";

describe("selectProbeIndices", () => {
  const labels = loadMnist().test.labels;

  it("takes 200 digits per class for a probe of 2,000, ascending and distinct", () => {
    const probe = selectProbeIndices(labels, 2000, 0);
    expect(probe.length).toBe(2000);
    const perClass = new Array(10).fill(0);
    for (const i of probe) perClass[labels[i]!]++;
    expect(perClass).toEqual(new Array(10).fill(200));
    expect(new Set(probe).size).toBe(2000);
    for (let k = 1; k < probe.length; k++) expect(probe[k]!).toBeGreaterThan(probe[k - 1]!);
  });

  it("gives the same indices for the same seed and different ones for another seed", () => {
    expect(selectProbeIndices(labels, 300, 7)).toEqual(selectProbeIndices(labels, 300, 7));
    expect(selectProbeIndices(labels, 300, 8)).not.toEqual(selectProbeIndices(labels, 300, 7));
  });

  it("hands the slots of a class too small for its share to the other classes", () => {
    const skewed = Uint8Array.from([0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const probe = selectProbeIndices(skewed, 12, 1);
    expect(probe.length).toBe(12);
    expect(new Set(probe).size).toBe(12);
  });

  it("rejects a probe larger than the labels with the size in the message", () => {
    expect(() => selectProbeIndices(labels.subarray(0, 10), 11, 0)).toThrow(
      "probe size 11 must be an integer in 0..10",
    );
  });
});

import { describe, expect, it } from "vitest";
import {
  accuracy,
  confusionMatrix,
  crossEntropy,
  misclassifiedIndices,
  perClassScores,
  predictedLabels,
} from "../../../lib/numeric/metrics/classification";

function probsFor(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat());
}

describe("classification metrics", () => {
  const oneHotRow = (c: number, p = 1) => Array.from({ length: 10 }, (_, k) => (k === c ? p : (1 - p) / 9));

  it("cross-entropy of a uniform prediction is ln 10", () => {
    const probs = probsFor([new Array(10).fill(0.1), new Array(10).fill(0.1)]);
    expect(crossEntropy(probs, Uint8Array.from([3, 7]))).toBeCloseTo(Math.log(10), 5);
  });

  it("cross-entropy clips a zero probability at 1e-7 as Keras does", () => {
    expect(crossEntropy(probsFor([oneHotRow(1)]), Uint8Array.from([0]))).toBeCloseTo(-Math.log(1e-7), 4);
  });

  it("predicted labels are row-wise argmaxes and accuracy counts matches", () => {
    const probs = probsFor([oneHotRow(2, 0.9), oneHotRow(5, 0.6), oneHotRow(5, 0.7)]);
    const predicted = predictedLabels(probs);
    expect(Array.from(predicted)).toEqual([2, 5, 5]);
    expect(accuracy(predicted, Uint8Array.from([2, 3, 5]))).toBeCloseTo(2 / 3);
  });

  it("confusion matrix rows are true labels and sum to the count; misclassified are off-diagonal", () => {
    const labels = Uint8Array.from([4, 4, 9, 9, 9, 1]);
    const predicted = Uint8Array.from([4, 9, 9, 4, 9, 7]);
    const m = confusionMatrix(labels, predicted);
    expect(m[4 * 10 + 9]).toBe(1);
    expect(m[9 * 10 + 4]).toBe(1);
    expect(m[9 * 10 + 9]).toBe(2);
    expect(m.reduce((a, b) => a + b, 0)).toBe(6);
    expect(Array.from(misclassifiedIndices(labels, predicted))).toEqual([1, 3, 5]);
  });

  it("per-class scores follow precision and recall definitions and are 0 for unseen classes", () => {
    const m = confusionMatrix(Uint8Array.from([4, 4, 9, 9]), Uint8Array.from([4, 9, 9, 9]));
    const scores = perClassScores(m);
    expect(scores[4]!.recall).toBeCloseTo(0.5);
    expect(scores[4]!.precision).toBeCloseTo(1);
    expect(scores[9]!.precision).toBeCloseTo(2 / 3);
    expect(scores[9]!.f1).toBeCloseTo((2 * (2 / 3) * 1) / (2 / 3 + 1));
    expect(scores[0]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });
});

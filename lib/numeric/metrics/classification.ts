// Classification metrics on softmax outputs: loss, predicted labels, accuracy, confusion matrix (pure).
import { NUM_CLASSES } from "../../core/constants";

/** Keras clips probabilities to [eps, 1 - eps] before the log. */
const EPSILON = 1e-7;

/** Mean categorical cross-entropy of `probs` [n, 10] against `labels` [n]. */
export function crossEntropy(probs: Float32Array, labels: Uint8Array): number {
  const n = labels.length;
  if (probs.length !== n * NUM_CLASSES)
    throw new RangeError(`probs has ${probs.length} values, expected ${n} x ${NUM_CLASSES}`);
  if (n === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(Math.max(probs[i * NUM_CLASSES + labels[i]!]!, EPSILON), 1 - EPSILON);
    sum -= Math.log(p);
  }
  return sum / n;
}

/** Row-wise argmax of `probs` [n, 10]; ties go to the lowest class, as tf.argMax does. */
export function predictedLabels(probs: Float32Array): Uint8Array {
  const n = probs.length / NUM_CLASSES;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestP = probs[i * NUM_CLASSES]!;
    for (let c = 1; c < NUM_CLASSES; c++) {
      const p = probs[i * NUM_CLASSES + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

export function accuracy(predicted: Uint8Array, labels: Uint8Array): number {
  if (predicted.length !== labels.length)
    throw new RangeError(`${predicted.length} predictions for ${labels.length} labels`);
  if (labels.length === 0) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

/** 10x10 counts, row-major: cell (t, p) at t * 10 + p counts digits of true class t predicted as p. */
export function confusionMatrix(labels: Uint8Array, predicted: Uint8Array): Int32Array {
  if (predicted.length !== labels.length)
    throw new RangeError(`${predicted.length} predictions for ${labels.length} labels`);
  const m = new Int32Array(NUM_CLASSES * NUM_CLASSES);
  for (let i = 0; i < labels.length; i++) m[labels[i]! * NUM_CLASSES + predicted[i]!]!++;
  return m;
}

/** Indices i where predicted[i] != labels[i], ascending. */
export function misclassifiedIndices(labels: Uint8Array, predicted: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (predicted[i] !== labels[i]) out.push(i);
  return Int32Array.from(out);
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Per-class precision, recall and F1 from a 10x10 confusion matrix; 0 where undefined (no predictions). */
export function perClassScores(confusion: ArrayLike<number>): ClassScores[] {
  return Array.from({ length: NUM_CLASSES }, (_, c) => {
    let rowSum = 0;
    let colSum = 0;
    for (let k = 0; k < NUM_CLASSES; k++) {
      rowSum += confusion[c * NUM_CLASSES + k]!;
      colSum += confusion[k * NUM_CLASSES + c]!;
    }
    const tp = confusion[c * NUM_CLASSES + c]!;
    const precision = colSum ? tp / colSum : 0;
    const recall = rowSum ? tp / rowSum : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support: rowSum };
  });
}

// Per-digit training dynamics across epochs: data-map statistics (Swayamdipta et al. 2020) and forgetting events
// (Toneva et al. 2019), from each epoch's probability of the given label and whether it was predicted (pure).

/** Statistics of n digits over E recorded epochs. */
export interface DigitDynamics {
  /** [n] mean over epochs of the probability of the given label (the data map's y). */
  confidence: Float32Array;
  /** [n] standard deviation of that probability across epochs, population (divide by E) as the paper's np.std. */
  variability: Float32Array;
  /** [n] fraction of epochs in which the digit was predicted correctly. */
  correctness: Float32Array;
  /** [n] first epoch (1-based) in which it was predicted correctly; 0 when never (never learned). */
  firstLearned: Int32Array;
  /** [n] forgetting events: epoch e correct, epoch e + 1 wrong. A never-learned digit has 0 here and firstLearned 0. */
  forgetting: Int32Array;
  epochs: number;
}

/**
 * Statistics of `labelProbs[e]` [n] (probability of the label at epoch e + 1) and `correct[e]` [n] (1 = argmax was
 * the label) for E ≥ 1 epochs of n digits each. Sums in float64.
 */
export function computeDynamics(labelProbs: readonly Float32Array[], correct: readonly Uint8Array[]): DigitDynamics {
  const epochs = labelProbs.length;
  if (epochs < 1) throw new RangeError("labelProbs must hold at least one epoch");
  if (correct.length !== epochs)
    throw new RangeError(`correct has ${correct.length} epochs, labelProbs ${epochs}: they must match`);
  const n = labelProbs[0]!.length;
  labelProbs.forEach((p, e) => {
    if (p.length !== n) throw new RangeError(`labelProbs[${e}] has ${p.length} digits, expected ${n}`);
    if (correct[e]!.length !== n) throw new RangeError(`correct[${e}] has ${correct[e]!.length} digits, expected ${n}`);
  });
  const confidence = new Float32Array(n);
  const variability = new Float32Array(n);
  const correctness = new Float32Array(n);
  const firstLearned = new Int32Array(n);
  const forgetting = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let hits = 0;
    let forgets = 0;
    let first = 0;
    for (let e = 0; e < epochs; e++) {
      sum += labelProbs[e]![i]!;
      const hit = correct[e]![i]! !== 0;
      if (hit) {
        hits++;
        if (first === 0) first = e + 1;
      } else if (e > 0 && correct[e - 1]![i]! !== 0) forgets++;
    }
    const mean = sum / epochs;
    let squares = 0;
    for (let e = 0; e < epochs; e++) squares += (labelProbs[e]![i]! - mean) ** 2;
    confidence[i] = mean;
    variability[i] = Math.sqrt(squares / epochs);
    correctness[i] = hits / epochs;
    firstLearned[i] = first;
    forgetting[i] = forgets;
  }
  return { confidence, variability, correctness, firstLearned, forgetting, epochs };
}

/**
 * The `k` digits forgotten most often, most first; ties by lower confidence (the harder one first), then by index.
 * Digits never forgotten are left out, so fewer than k may come back.
 */
export function mostForgotten(dynamics: Pick<DigitDynamics, "forgetting" | "confidence">, k: number): Int32Array {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
  const { forgetting, confidence } = dynamics;
  const candidates: number[] = [];
  for (let i = 0; i < forgetting.length; i++) if (forgetting[i]! > 0) candidates.push(i);
  candidates.sort((a, b) => forgetting[b]! - forgetting[a]! || confidence[a]! - confidence[b]! || a - b);
  return Int32Array.from(candidates.slice(0, k));
}

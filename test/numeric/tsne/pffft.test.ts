// PFFFT's lengths and its transforms' round trips on this thread's wasm instance.
import { describe, expect, it } from "vitest";
import { fftPlan, fftSizeAtLeast } from "@/lib/numeric/tsne/pffft";

/** True when n = 32 · 2^a · 3^b · 5^c. */
function isPffftLength(n: number): boolean {
  if (n % 32 !== 0) return false;
  let rest = n / 32;
  for (const f of [2, 3, 5]) while (rest % f === 0) rest /= f;
  return rest === 1;
}

describe("fftSizeAtLeast", () => {
  it("gives the smallest length 32 · 2^a · 3^b · 5^c at or above n, for every n up to 5,000", () => {
    const wrong: number[] = [];
    for (let n = 1; n <= 5000; n++) {
      let smallest = Math.max(32, n);
      while (!isPffftLength(smallest)) smallest++;
      if (fftSizeAtLeast(n) !== smallest) wrong.push(n);
    }
    expect(wrong).toEqual([]);
  });

  it("keeps near the request where a power of two would not: 1,200 → 1,280 and 1,025 → 1,152", () => {
    expect(fftSizeAtLeast(1200)).toBe(1280);
    expect(fftSizeAtLeast(1025)).toBe(1152);
    expect(fftSizeAtLeast(480)).toBe(480);
  });
});

describe("fftPlan", () => {
  it("returns size times the input after a real forward and inverse transform (lengths 480 and 1,440)", () => {
    for (const size of [480, 1440]) {
      const plan = fftPlan(size);
      const x = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37) + (i % 7) / 7);
      plan.input.set(x);
      plan.realForward();
      plan.input.set(plan.output.subarray(0, size));
      plan.realInverse();
      for (let i = 0; i < size; i++) expect(plan.output[i]! / size).toBeCloseTo(x[i]!, 4);
    }
  });

  it("multiplies a complex spectrum in internal order by multipliers put into internal order", () => {
    const size = 96;
    const plan = fftPlan(size);
    // Multiplier 1 on every frequency but 0: the inverse then returns size · (x − mean(x)).
    plan.input.fill(1, 0, 2 * size);
    plan.input[0] = 0;
    plan.input[1] = 0;
    plan.complexToInternal();
    const multipliers = plan.output.slice(0, 2 * size);
    const x = Float32Array.from({ length: 2 * size }, (_, i) => Math.cos(i * 0.11) + (i % 5));
    plan.input.set(x);
    plan.complexForward();
    for (let k = 0; k < 2 * size; k++) plan.output[k] = plan.output[k]! * multipliers[k]!;
    plan.complexInverseInPlace();
    for (const part of [0, 1]) {
      let mean = 0;
      for (let i = 0; i < size; i++) mean += x[2 * i + part]! / size;
      for (let i = 0; i < size; i++) expect(plan.output[2 * i + part]! / size).toBeCloseTo(x[2 * i + part]! - mean, 4);
    }
  });
});

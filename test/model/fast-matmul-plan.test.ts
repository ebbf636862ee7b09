import { describe, expect, it } from "vitest";
import { broadcastBatchIndex, planCost, planMatMul } from "../../lib/model/fast-matmul-plan";

describe("planMatMul", () => {
  it("flips dX = dY·Wᵀ so that XNNPACK packs the batch-sized operand instead of the weights", () => {
    expect(planMatMul({ m: 128, k: 512, n: 784, transposeA: false, transposeB: true })).toBe("flipped");
  });

  it("keeps dW = Xᵀ·dY direct: dY is already the small right-hand operand", () => {
    expect(planMatMul({ m: 784, k: 128, n: 512, transposeA: true, transposeB: false })).toBe("direct");
  });

  it("prices dW = Xᵀ·dY lower direct than flipped, which would pack X and transpose the weight-sized product", () => {
    expect(planCost("direct", { m: 784, k: 128, n: 512, transposeA: true, transposeB: false })).toBeLessThan(
      planCost("flipped", { m: 784, k: 128, n: 512, transposeA: true, transposeB: false }),
    );
  });
});

describe("broadcastBatchIndex", () => {
  it("maps every output batch to itself when the operand has the same outer dims", () => {
    expect([0, 1, 2, 3, 4, 5].map((i) => broadcastBatchIndex(i, [2, 3], [2, 3]))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("maps output batches onto size-1 and missing operand dims as numpy broadcasting does", () => {
    expect([0, 1, 2, 3, 4, 5].map((i) => broadcastBatchIndex(i, [2, 3], [1]))).toEqual([0, 0, 0, 0, 0, 0]);
    expect([0, 1, 2, 3, 4, 5].map((i) => broadcastBatchIndex(i, [2, 3], [3]))).toEqual([0, 1, 2, 0, 1, 2]);
    expect([0, 1, 2, 3, 4, 5].map((i) => broadcastBatchIndex(i, [2, 3], [2, 1]))).toEqual([0, 0, 0, 1, 1, 1]);
  });
});

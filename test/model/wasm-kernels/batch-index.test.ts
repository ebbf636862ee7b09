import { describe, expect, it } from "vitest";
import { broadcastBatchIndex } from "../../../lib/model/wasm-kernels/batch-index";

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

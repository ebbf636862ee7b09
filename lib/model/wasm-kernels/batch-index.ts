// Batch indexing for the fast wasm matMul (matmul.ts): which matrix of an operand a batch uses.
// Removal, once upstream tfjs is fixed: delete this folder and the code that imports its index.ts (index.ts lists it).

/**
 * For a batched product whose outer (batch) dims broadcast to `outOuter`, the flat batch index into
 * an operand with outer dims `operandOuter` for output batch `outIndex` (numpy broadcasting, right-aligned).
 */
export function broadcastBatchIndex(
  outIndex: number,
  outOuter: readonly number[],
  operandOuter: readonly number[],
): number {
  let rest = outIndex;
  let index = 0;
  let stride = 1;
  for (let d = outOuter.length - 1, e = operandOuter.length - 1; d >= 0; d--, e--) {
    const outDim = outOuter[d]!;
    const coord = rest % outDim;
    rest = Math.floor(rest / outDim);
    if (e < 0) continue;
    const dim = operandOuter[e]!;
    if (dim !== 1) index += coord * stride;
    stride *= dim;
  }
  return index;
}

// Pure planning for the fast wasm matMul: which operand orientation to hand to XNNPACK, and batch indexing.

/**
 * How one 2-D product C[m, n] = op(A)[m, k] · op(B)[k, n] is computed on the wasm backend.
 * - "direct": materialise op(A) and op(B) contiguously, then one untransposed XNNPACK product.
 * - "flipped": compute Cᵀ = op(B)ᵀ · op(A)ᵀ untransposed, then transpose Cᵀ back.
 * XNNPACK packs its right-hand operand (k × n floats, strided reads) before every product whose
 * right-hand tensor it has not seen; flipping makes the smaller of op(A), op(B) the packed side.
 */
export type MatMulPlan = "direct" | "flipped";

export interface MatMulShape {
  /** Rows of the product (batch rows for a Dense forward pass). */
  m: number;
  /** Shared (inner) dimension. */
  k: number;
  /** Columns of the product. */
  n: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * Relative cost of packing one float of the right-hand operand versus copying one float in a transpose.
 * Measured on the wasm SIMD build (tfjs 4.22, Node 20): packing [784, 512] ≈ 3 ms, transposing it ≈ 0.4 ms.
 */
export const PACK_COST_PER_TRANSPOSE_COST = 6;

/** Cost, in "transposed floats", of the work a plan adds around the product itself. */
export function planCost(plan: MatMulPlan, s: MatMulShape): number {
  const { m, k, n } = s;
  const pack = PACK_COST_PER_TRANSPOSE_COST;
  if (plan === "direct") {
    return (s.transposeA ? m * k : 0) + (s.transposeB ? k * n : 0) + pack * k * n;
  }
  return (s.transposeA ? 0 : m * k) + (s.transposeB ? 0 : k * n) + pack * k * m + m * n;
}

/** The cheaper plan; ties go to "direct" (no output transpose). */
export function planMatMul(s: MatMulShape): MatMulPlan {
  return planCost("flipped", s) < planCost("direct", s) ? "flipped" : "direct";
}

/**
 * For a batched product whose outer (batch) dims broadcast to `outOuter`, the flat batch index into
 * an operand with outer dims `operandOuter` for output batch `outIndex` (numpy broadcasting, right-aligned).
 */
export function broadcastBatchIndex(outIndex: number, outOuter: readonly number[], operandOuter: readonly number[]): number {
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

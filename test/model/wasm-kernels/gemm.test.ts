import { describe, expect, it } from "vitest";
import { gemmKernelFor, relaxedSimdAvailable } from "../../../lib/model/wasm-kernels/gemm";
import { transposeKernelFor } from "../../../lib/model/wasm-kernels/transpose";
import { createRng } from "../../../lib/numeric/random";

// The kernels run on a Memory of their own here (tfjs's heap in production): byte offsets into it.
const memory = new WebAssembly.Memory({ initial: 64 }); // 4 MB
const heap = () => new Float32Array(memory.buffer);

function seeded(count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count }, () => 2 * rng() - 1);
}

/** Places arrays one after another from byte 64 on (a 16-byte aligned start, then 4-byte aligned like tfjs's heap). */
function place(...arrays: Float32Array[]): number[] {
  let offset = 64;
  return arrays.map((array) => {
    heap().set(array, offset / 4);
    const at = offset;
    offset += 4 * array.length + 4; // +4: operands are not all 16-byte aligned
    return at;
  });
}

describe("transposeKernelFor", () => {
  it.each([
    [4, 4],
    [8, 12],
    [7, 13],
    [5, 3],
    [1, 9],
    [9, 1],
    [128, 10],
    [3, 3],
  ])("transposes a %i × %i matrix exactly", (rows, cols) => {
    const src = seeded(rows * cols, rows * 100 + cols);
    const [from, to] = place(src, new Float32Array(rows * cols).fill(NaN));
    transposeKernelFor(memory)(from!, to!, rows, cols);
    const out = heap().slice(to! / 4, to! / 4 + rows * cols);
    const expected = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) expected[j * rows + i] = src[i * cols + j]!;
    expect(Array.from(out)).toEqual(Array.from(expected));
  });
});

describe("gemmKernelFor", () => {
  // [m, n, k]: tiles of 2 × 4 with row and column remainders, k with and without a tail of k % 4.
  const shapes: Array<[number, number, number]> = [
    [2, 4, 4],
    [5, 9, 7],
    [37, 29, 53],
    [1, 1, 1],
    [3, 10, 3],
    [16, 12, 130],
  ];

  for (const fma of [false, true]) {
    it.each(shapes)(
      `C = A·Bᵀ + bias, relu, for m %i, n %i, k %i (fma ${fma}) matches a float64 reference`,
      (m, n, k) => {
        if (fma) expect(relaxedSimdAvailable()).toBe(true);
        const a = seeded(m * k, 1);
        const b = seeded(n * k, 2);
        const bias = seeded(n, 3);
        const [pa, pb, pbias, pc] = place(a, b, bias, new Float32Array(m * n).fill(NaN));
        const run = (withBias: boolean, relu: boolean) => {
          gemmKernelFor(memory, { n, k, bias: withBias, relu, fma })(pa!, pb!, pc!, pbias!, m);
          return heap().slice(pc! / 4, pc! / 4 + m * n);
        };
        const plain = run(false, false);
        const full = run(true, true);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let sum = 0;
            for (let t = 0; t < k; t++) sum += a[i * k + t]! * b[j * k + t]!;
            // float32 sums of k terms in [-1, 1): within ~k ulps of 1.
            expect(Math.abs(plain[i * n + j]! - sum)).toBeLessThan(1e-6 * k);
            const withBias = Math.fround(plain[i * n + j]! + bias[j]!);
            expect(full[i * n + j]).toBe(Math.max(withBias, 0));
          }
        }
      },
    );
  }
});

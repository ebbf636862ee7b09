import { afterAll, describe, expect, it } from "vitest";
import { startMatMulHelper } from "../../lib/model/fast-matmul-helper";
import { createRng } from "../../lib/random";

const helper = startMatMulHelper(64 * 1024);

afterAll(() => helper.stop());

async function whenReady(): Promise<void> {
  for (const deadline = Date.now() + 20_000; !helper.ready(); ) {
    if (Date.now() > deadline) throw new Error("helper thread not ready after 20 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** C = A·B in float64 for reference, [m, n] row-major. */
function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) c[i * n + j]! += a[i * k + p]! * b[p * n + j]!;
  return c;
}

describe("startMatMulHelper", () => {
  it("computes every row block on the worker when the main thread claims none", async () => {
    await whenReady();
    const [m, k, n] = [50, 40, 30];
    const rng = createRng(3);
    const a = Float32Array.from({ length: m * k }, () => rng() - 0.5);
    const b = Float32Array.from({ length: k * n }, () => rng() - 0.5);
    const shared = helper.post(a, b, m, k, n, 16)!;
    expect(shared.blocks).toBe(4);
    const c = new Float32Array(m * n);
    for (let block = 0; block < shared.blocks; block++) {
      const first = block * 16;
      const rows = Math.min(16, m - first);
      expect(shared.collect(block, c.subarray(first * n, (first + rows) * n), 10_000)).toBe(true);
    }
    const expected = reference(a, b, m, k, n);
    for (let i = 0; i < c.length; i++) expect(c[i]).toBeCloseTo(expected[i]!, 5);
  });

  it("refuses a product larger than its shared buffer", async () => {
    await whenReady();
    expect(helper.post(new Float32Array(200 * 200), new Float32Array(200 * 200), 200, 200, 200, 16)).toBeNull();
  });

  it("refuses every product once stopped", () => {
    const stopped = startMatMulHelper(1024);
    stopped.stop();
    expect(stopped.ready()).toBe(false);
    expect(stopped.post(new Float32Array(4), new Float32Array(4), 2, 2, 2, 1)).toBeNull();
  });
});

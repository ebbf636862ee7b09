import { describe, expect, it } from "vitest";
import { describeDifference, formatPValue, formatPoints } from "../../lib/chart/significance-text";

describe("significance in plain words", () => {
  it("formatPValue prints two or three decimals, then powers of ten from the logarithm", () => {
    expect(formatPValue(0)).toBe("1");
    expect(formatPValue(Math.log(0.4123))).toBe("0.41");
    expect(formatPValue(Math.log(0.0034))).toBe("0.003");
    expect(formatPValue(Math.log(2.1e-5))).toBe("2.1 × 10⁻⁵");
    expect(formatPValue(Math.log(9.96e-5))).toBe("1.0 × 10⁻⁴");
    // e^−2000 underflows a double; its size still prints.
    expect(formatPValue(-2000)).toBe("2.6 × 10⁻⁸⁶⁹");
    expect(() => formatPValue(0.1)).toThrow("log p must be ≤ 0, got 0.1");
  });

  it("formatPoints gives a signed difference in percentage points", () => {
    expect(formatPoints(0.0042)).toBe("+0.42");
    expect(formatPoints(-0.013)).toBe("−1.30");
    expect(formatPoints(0)).toBe("±0.00");
  });

  it("names the better run only when p < 0.05", () => {
    expect(describeDifference(3, 5, 0.01, Math.log(0.003))).toBe("Run #5 is more accurate than run #3, p = 0.003");
    expect(describeDifference(3, 5, -0.01, Math.log(0.003))).toBe("Run #3 is more accurate than run #5, p = 0.003");
    expect(describeDifference(3, 5, 0.002, Math.log(0.41))).toBe(
      "No evidence of a difference between run #3 and run #5 (p = 0.41)",
    );
  });
});

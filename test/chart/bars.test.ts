import { describe, expect, it } from "vitest";
import { barRole, layoutProbabilityBars } from "../../lib/chart/bars";

describe("layoutProbabilityBars", () => {
  const probs = [0.01, 0.02, 0.6, 0.05, 0.02, 0.0, 0.1, 0.15, 0.03, 0.02];

  it("gives every class a bar whose height is proportional to its probability", () => {
    const layout = layoutProbabilityBars(probs, 7, 2);
    expect(layout.bars).toHaveLength(10);
    const full = layout.baseline - 10;
    layout.bars.forEach((b, c) => expect(b.height).toBeCloseTo(probs[c]! * full, 9));
  });

  it("marks the true class and a wrong prediction", () => {
    const roles = layoutProbabilityBars(probs, 7, 2).bars.map((b) => b.role);
    expect(roles[7]).toBe("true");
    expect(roles[2]).toBe("predicted");
    expect(roles[0]).toBe("other");
    expect(barRole(3, 3, 3)).toBe("correct");
  });

  it("rejects anything but 10 probabilities", () => {
    expect(() => layoutProbabilityBars([0.5, 0.5], 0, 0)).toThrow("expected 10 probabilities, got 2");
  });
});

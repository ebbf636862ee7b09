import { describe, expect, it } from "vitest";
import { formatSeparation, separatedFrom, separationFill, separationIntensity } from "../../lib/chart/separation";

describe("separation table helpers", () => {
  it("separationIntensity maps kNN purity from chance (0.5) to 1 and silhouette from 0 to 1", () => {
    expect(separationIntensity(0.5, "knn")).toBe(0);
    expect(separationIntensity(0.4, "knn")).toBe(0);
    expect(separationIntensity(0.75, "knn")).toBeCloseTo(0.5);
    expect(separationIntensity(1, "knn")).toBe(1);
    expect(separationIntensity(-0.2, "silhouette")).toBe(0);
    expect(separationIntensity(0.3, "silhouette")).toBeCloseTo(0.3);
    expect(separationIntensity(Number.NaN, "knn")).toBeNaN();
    expect(separationFill(Number.NaN, "knn")).toBe("#f1f5f9");
  });

  it("formatSeparation shows purity in percent and silhouette with two decimals, a dash when unknown", () => {
    expect(formatSeparation(0.974, "knn")).toBe("97");
    expect(formatSeparation(0.4137, "silhouette")).toBe("0.41");
    expect(formatSeparation(Number.NaN, "knn")).toBe("—");
  });

  it("separatedFrom finds the epoch from which a layer stays above the threshold", () => {
    const cells = [
      { layerIndex: 0, epoch: 1, knnPurity: 0.9 },
      { layerIndex: 0, epoch: 2, knnPurity: 0.96 },
      { layerIndex: 0, epoch: 3, knnPurity: 0.97 },
      { layerIndex: 1, epoch: 1, knnPurity: 0.96 },
      { layerIndex: 1, epoch: 2, knnPurity: 0.94 },
      { layerIndex: 1, epoch: 3, knnPurity: 0.95 },
      { layerIndex: 2, epoch: 1, knnPurity: 0.5 },
      { layerIndex: 2, epoch: 2, knnPurity: 0.6 },
    ];
    const from = separatedFrom(cells);
    expect(from.get(0)).toBe(2);
    expect(from.get(1)).toBe(3);
    expect(from.get(2)).toBeNull();
  });
});

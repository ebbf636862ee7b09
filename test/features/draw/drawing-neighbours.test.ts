import { describe, expect, it } from "vitest";
import { placeAmongNeighbours } from "@/lib/features/draw/drawing-neighbours";
import { checkpointToken, modelUrl } from "@/lib/features/draw/model-files";

describe("placeAmongNeighbours (the drawing's place in the layout)", () => {
  const coords = Float32Array.of(0, 0, 10, 0, 0, 10, Number.NaN, 5);

  it("weights each neighbour's position by 1 / distance", () => {
    const place = placeAmongNeighbours(coords, [
      { row: 0, distance: 1 },
      { row: 1, distance: 3 },
    ])!;
    // Weights 1 and 1/3: x = (0 + 10/3) / (4/3) = 2.5.
    expect(place.x).toBeCloseTo(2.5, 6);
    expect(place.y).toBeCloseTo(0, 6);
  });

  it("sits on an exact match (distance 0) and skips rows without a finite position", () => {
    expect(
      placeAmongNeighbours(coords, [
        { row: 2, distance: 0 },
        { row: 1, distance: 0.5 },
      ]),
    ).toEqual({ x: 0, y: 10 });
    expect(placeAmongNeighbours(coords, [{ row: 3, distance: 1 }])).toBeNull();
    expect(placeAmongNeighbours(coords, [{ row: 9, distance: 1 }])).toBeNull();
  });
});

describe("the model files' version token", () => {
  it("names the checkpoint row and its write time, and rides in the model URL", () => {
    const token = checkpointToken({ id: 12, updatedAt: "2026-12-02 04:55:01.123" });
    expect(token).toBe("12-20261202045501123");
    expect(modelUrl(3, token)).toBe("/api/runs/3/model/model.json?v=12-20261202045501123");
  });
});

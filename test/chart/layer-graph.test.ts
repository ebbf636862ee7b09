import { describe, expect, it } from "vitest";
import { layoutLayerGraph, shapeText } from "../../lib/chart/layer-graph";

const seed = [
  { name: "flatten", type: "Flatten", outputShape: [784], params: 0 },
  { name: "dense", type: "Dense", outputShape: [512], params: 401_920 },
  { name: "dropout", type: "Dropout", outputShape: [512], params: 0 },
  { name: "out", type: "Dense", outputShape: [10], params: 5_130 },
];

describe("layoutLayerGraph", () => {
  it("draws the input and one box per layer, linked top to bottom", () => {
    const g = layoutLayerGraph(seed);
    expect(g.nodes.map((n) => n.title)).toEqual(["Input", "Flatten", "Dense", "Dropout", "Dense"]);
    expect(g.edges).toHaveLength(4);
    g.edges.forEach((e, i) => {
      expect(e.y1).toBe(g.nodes[i]!.y + g.nodes[i]!.height);
      expect(e.y2).toBe(g.nodes[i + 1]!.y);
    });
    expect(g.height).toBeGreaterThanOrEqual(g.nodes.at(-1)!.y + g.nodes.at(-1)!.height);
  });

  it("sizes boxes by output units and keeps them inside the drawing", () => {
    const g = layoutLayerGraph(seed);
    const [input, flatten, dense, , out] = g.nodes;
    expect(input!.width).toBeCloseTo(flatten!.width, 9);
    expect(dense!.width).toBeLessThan(flatten!.width);
    expect(out!.width).toBeLessThan(dense!.width);
    for (const n of g.nodes) expect(n.x + n.width).toBeLessThanOrEqual(g.width);
    expect(dense!.detail).toBe("512 · 401,920 params");
  });

  it("writes shapes as Keras does, unknown dimensions as ?", () => {
    expect(shapeText([26, 26, 32])).toBe("26×26×32");
    expect(shapeText([-1, 10])).toBe("?×10");
  });
});

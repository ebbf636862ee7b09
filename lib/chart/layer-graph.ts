// Layout of a sequential model's layer graph (input → layers → output) as boxes sized by output units.
import { scaleLog } from "d3";

/** What the graph needs of a model summary row (lib/model/summary.ts). */
export interface LayerInfo {
  name: string;
  type: string;
  outputShape: number[];
  params: number;
}

export interface LayerNode {
  key: string;
  title: string;
  detail: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LayerGraph {
  width: number;
  height: number;
  nodes: LayerNode[];
  /** Arrows between consecutive nodes: from (x, y1) to (x, y2). */
  edges: Array<{ x: number; y1: number; y2: number }>;
}

const NODE_HEIGHT = 38;
const GAP = 16;

export function shapeText(shape: readonly number[]): string {
  return shape.map((d) => (d < 0 ? "?" : String(d))).join("×");
}

function units(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * Math.max(1, d), 1);
}

/** Boxes top to bottom, the first being the 28×28 input; width grows with log(output units). */
export function layoutLayerGraph(layers: readonly LayerInfo[], input: number[] = [28, 28], width = 320): LayerGraph {
  const all = [{ name: "input", type: "Input", outputShape: input, params: 0 }, ...layers];
  const maxUnits = Math.max(2, ...all.map((l) => units(l.outputShape)));
  const w = scaleLog()
    .domain([1, maxUnits])
    .range([110, width - 8])
    .clamp(true);
  const nodes = all.map((layer, i) => {
    const boxWidth = w(Math.max(1, units(layer.outputShape)));
    const params = layer.params ? ` · ${layer.params.toLocaleString("en-US")} params` : "";
    return {
      key: `${i}-${layer.name}`,
      title: layer.type === "Input" ? "Input" : `${layer.type}`,
      detail: `${shapeText(layer.outputShape)}${params}`,
      type: layer.type,
      x: (width - boxWidth) / 2,
      y: 4 + i * (NODE_HEIGHT + GAP),
      width: boxWidth,
      height: NODE_HEIGHT,
    };
  });
  const edges = nodes.slice(1).map((n, i) => ({ x: width / 2, y1: nodes[i]!.y + NODE_HEIGHT, y2: n.y }));
  return { width, height: 8 + all.length * (NODE_HEIGHT + GAP) - GAP, nodes, edges };
}

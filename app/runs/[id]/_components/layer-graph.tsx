// Drawing of the model's layer graph (what the seed opened TensorBoard for): one box per layer, sized by output units.
import { layoutLayerGraph, type LayerInfo } from "@/lib/chart/layer-graph";

export function LayerGraph({ layers }: { layers: LayerInfo[] }) {
  const g = layoutLayerGraph(layers);
  return (
    <svg
      className="layer-graph"
      viewBox={`0 0 ${g.width} ${g.height}`}
      role="img"
      aria-label="layer graph"
      data-testid="layer-graph"
    >
      <defs>
        <marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M0,0 L8,4 L0,8 z" fill="#5f6b7a" />
        </marker>
      </defs>
      {g.edges.map((e, i) => (
        <line key={i} x1={e.x} x2={e.x} y1={e.y1} y2={e.y2 - 1} stroke="#5f6b7a" markerEnd="url(#arrow)" />
      ))}
      {g.nodes.map((n) => (
        <g key={n.key} className={`layer layer-${n.type.toLowerCase()}`} data-layer-type={n.type}>
          <rect x={n.x} y={n.y} width={n.width} height={n.height} rx={6} />
          <text x={n.x + n.width / 2} y={n.y + 15} textAnchor="middle" className="layer-title">
            {n.title}
          </text>
          <text x={n.x + n.width / 2} y={n.y + 30} textAnchor="middle" className="layer-detail">
            {n.detail}
          </text>
        </g>
      ))}
    </svg>
  );
}

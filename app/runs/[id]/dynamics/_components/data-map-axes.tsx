"use client";
// The data map's SVG layer under the pointer: axes, the plot frame, and the named regions' borders and labels.
import type { ScaleLinear } from "d3";
import { REGION_THRESHOLDS } from "@/lib/numeric/dynamics/regions";

interface Props {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export function DataMapAxes({ x, y, width: WIDTH, height: HEIGHT, margin: MARGIN }: Props) {
  const { ambiguousVariability: vCut, easyConfidence: cCut } = REGION_THRESHOLDS;
  return (
    <>
      <g fontSize={11} fill="#475569">
        {x.ticks(5).map((t) => (
          <text key={`x${t}`} x={x(t)} y={HEIGHT - MARGIN.bottom + 16} textAnchor="middle">
            {t}
          </text>
        ))}
        {y.ticks(5).map((t) => (
          <text key={`y${t}`} x={MARGIN.left - 6} y={y(t) + 4} textAnchor="end">
            {t}
          </text>
        ))}
        <text x={(MARGIN.left + WIDTH - MARGIN.right) / 2} y={HEIGHT - 6} textAnchor="middle">
          variability (std of the label probability across epochs)
        </text>
        <text transform={`translate(14 ${(HEIGHT - MARGIN.bottom + MARGIN.top) / 2}) rotate(-90)`} textAnchor="middle">
          confidence (mean label probability)
        </text>
      </g>
      <rect
        x={MARGIN.left}
        y={MARGIN.top}
        width={WIDTH - MARGIN.left - MARGIN.right}
        height={HEIGHT - MARGIN.top - MARGIN.bottom}
        fill="none"
        stroke="#94a3b8"
      />
      <g stroke="#334155" strokeDasharray="4 3" fill="none">
        <line x1={x(vCut)} x2={x(vCut)} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} />
        <line x1={MARGIN.left} x2={x(vCut)} y1={y(cCut)} y2={y(cCut)} />
      </g>
      <g fontSize={12} fontWeight={600} fill="#0f172a" data-testid="region-labels">
        <text x={MARGIN.left + 6} y={MARGIN.top + 14}>
          easy-to-learn
        </text>
        <text x={MARGIN.left + 6} y={HEIGHT - MARGIN.bottom - 8}>
          hard-to-learn
        </text>
        <text x={x(vCut) + 8} y={MARGIN.top + 14}>
          ambiguous
        </text>
      </g>
    </>
  );
}

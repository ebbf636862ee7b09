// The digit inspector's figures: the 10-probability bar chart (the seed's figure) and the per-epoch predictions.
import { interpolateBlues } from "d3";
import { layoutProbabilityBars } from "@/lib/chart/bars";
import { textOnBlues } from "@/lib/chart/confusion";
import { NUM_CLASSES } from "@/lib/core/constants";

export function ProbabilityBars({
  probs,
  trueLabel,
  predicted,
}: {
  probs: number[];
  trueLabel: number;
  predicted: number;
}) {
  const g = layoutProbabilityBars(probs, trueLabel, predicted);
  return (
    <figure className="chart prob-chart">
      <svg
        viewBox={`0 0 ${g.width} ${g.height}`}
        role="img"
        aria-label="predicted probabilities"
        data-testid="prob-bars"
      >
        {g.yTicks.map((t) => (
          <g key={t.value} className="tick">
            <line x1={g.left} x2={g.width - 8} y1={t.pos} y2={t.pos} className="grid" />
            <text x={g.left - 5} y={t.pos} dy="0.32em" textAnchor="end">
              {t.label}
            </text>
          </g>
        ))}
        {g.bars.map((b) => (
          <g key={b.cls} className={`bar bar-${b.role}`}>
            <rect
              x={b.x}
              y={b.y}
              width={b.width}
              height={Math.max(b.height, 0)}
              data-testid="prob-bar"
              data-class={b.cls}
              data-prob={b.prob}
            >
              <title>{`class ${b.cls}: ${(b.prob * 100).toFixed(2)}%`}</title>
            </rect>
            <text x={b.x + b.width / 2} y={g.baseline + 15} textAnchor="middle">
              {b.cls}
            </text>
            {b.prob >= 0.005 ? (
              <text x={b.x + b.width / 2} y={b.y - 3} textAnchor="middle" className="bar-value">
                {(b.prob * 100).toFixed(b.prob >= 0.1 ? 0 : 1)}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
      <div className="legend">
        <span className="legend-true">true class</span>
        <span className="legend-pred">predicted (wrong)</span>
        <span className="legend-correct">true = predicted</span>
      </div>
    </figure>
  );
}

const ROW = 18;

/** Probability of every class (rows) after every epoch (columns); the true class's row outlined, the argmax dotted. */
export function EpochPredictions({
  epochs,
  trueLabel,
}: {
  epochs: Array<{ epoch: number; probs: number[] }>;
  trueLabel: number;
}) {
  const left = 22;
  const top = 16;
  // Wide columns for a few epochs, narrower ones for many (the strip scrolls past ~30).
  const EPOCH_CELL = Math.round(Math.max(24, Math.min(60, 380 / Math.max(epochs.length, 1))));
  const width = left + Math.max(epochs.length, 1) * EPOCH_CELL + 4;
  const height = top + NUM_CLASSES * ROW + 4;
  return (
    <div className="table-scroll">
      <svg
        className="epoch-strip"
        viewBox={`0 0 ${width} ${height}`}
        style={{ width: `${width}px`, maxWidth: "100%" }}
        role="img"
        aria-label="probabilities per epoch"
        data-testid="epoch-predictions"
      >
        {epochs.map((e, col) => {
          const argmax = e.probs.indexOf(Math.max(...e.probs));
          return (
            <g key={e.epoch} data-epoch={e.epoch} data-predicted={argmax}>
              <text x={left + col * EPOCH_CELL + EPOCH_CELL / 2} y={11} textAnchor="middle" className="strip-head">
                {e.epoch}
              </text>
              {e.probs.map((p, cls) => (
                <g key={cls}>
                  <rect
                    x={left + col * EPOCH_CELL}
                    y={top + cls * ROW}
                    width={EPOCH_CELL - 1}
                    height={ROW - 1}
                    fill={interpolateBlues(p)}
                  >
                    <title>{`epoch ${e.epoch}, class ${cls}: ${(p * 100).toFixed(2)}%`}</title>
                  </rect>
                  {cls === argmax ? (
                    <circle
                      cx={left + col * EPOCH_CELL + EPOCH_CELL / 2}
                      cy={top + cls * ROW + ROW / 2}
                      r={3}
                      fill={textOnBlues(p)}
                    />
                  ) : null}
                </g>
              ))}
            </g>
          );
        })}
        {Array.from({ length: NUM_CLASSES }, (_, cls) => (
          <text
            key={cls}
            x={left - 6}
            y={top + cls * ROW + ROW / 2}
            dy="0.35em"
            textAnchor="end"
            className={cls === trueLabel ? "strip-true" : undefined}
          >
            {cls}
          </text>
        ))}
        <rect
          x={left - 1}
          y={top + trueLabel * ROW - 1}
          width={width - left - 3}
          height={ROW + 1}
          className="strip-true-row"
        />
      </svg>
    </div>
  );
}

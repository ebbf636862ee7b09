// The legend of an attribution map: the diverging scale's gradient over [−max, +max] with its ticks, zero centred.
import { attributionScale, formatSigned, legendStops } from "@/lib/chart/attribution-overlay";

const WIDTH = 220;
const HEIGHT = 34;

export function AttributionLegend({
  maxAbs,
  negative,
  positive,
}: {
  maxAbs: number;
  negative: string;
  positive: string;
}) {
  const scale = attributionScale(maxAbs);
  const stops = legendStops(maxAbs);
  // The ends' labels are anchored inward so they stay inside the SVG.
  const x = (v: number) => 10 + ((v + maxAbs) / (2 * maxAbs || 1)) * (WIDTH - 20);
  const id = `attr-legend-${Math.round(maxAbs * 1e6)}`;
  return (
    <figure className="attribution-legend" data-testid="attribution-legend" data-max-abs={maxAbs}>
      <svg
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-label={`colour scale from ${formatSigned(-maxAbs)} to ${formatSigned(maxAbs)}`}
      >
        <defs>
          <linearGradient id={id}>
            {stops.map((s, i) => (
              <stop key={i} offset={`${i * 25}%`} stopColor={scale(s.value)} />
            ))}
          </linearGradient>
        </defs>
        <rect x={10} y={2} width={WIDTH - 20} height={12} fill={`url(#${id})`} stroke="#888" strokeWidth={0.5} />
        {(
          [
            [-maxAbs, "start"],
            [0, "middle"],
            [maxAbs, "end"],
          ] as const
        ).map(([v, anchor]) => (
          <text key={anchor} x={x(v)} y={28} fontSize={10} textAnchor={anchor}>
            {formatSigned(v)}
          </text>
        ))}
      </svg>
      <figcaption className="muted">
        red: {negative} · blue: {positive}
      </figcaption>
    </figure>
  );
}

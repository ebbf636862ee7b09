"use client";
// Calibration of a run: reliability diagrams (15 bins, top-label) with ECE and per-class ECE, on the validation set
// after the epoch the slider picks and on the test set for the restored checkpoint.
import { useState } from "react";
import { layoutReliability, type CalibrationView } from "@/lib/chart/reliability";

const WIDTH = 340;
const HEIGHT = 300;

const fmtEce = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(2)}%`);

function ReliabilityDiagram({ view, testId, title }: { view: CalibrationView; testId: string; title: string }) {
  const layout = layoutReliability(view.bins, WIDTH, HEIGHT);
  const { x, y, margin } = layout;
  return (
    <figure
      data-testid={testId}
      data-ece={view.ece ?? ""}
      data-classwise-ece={view.classwiseEce ?? ""}
      style={{ margin: 0, minWidth: 0 }}
    >
      <figcaption>
        <strong>{title}</strong>: ECE <span data-testid={`${testId}-ece`}>{fmtEce(view.ece)}</span>, classwise ECE{" "}
        <span data-testid={`${testId}-classwise`}>{fmtEce(view.classwiseEce)}</span> ({view.count.toLocaleString("en")}{" "}
        digits)
      </figcaption>
      {/* Scales down with the viewBox on a narrow screen instead of pushing the page wider. */}
      <svg
        width="100%"
        style={{ maxWidth: WIDTH, height: "auto", display: "block" }}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${title} reliability diagram`}
      >
        <rect
          x={margin.left}
          y={margin.top}
          width={WIDTH - margin.left - margin.right}
          height={HEIGHT - margin.top - margin.bottom}
          fill="none"
          stroke="#cbd5e1"
        />
        {layout.bars.map((b) => (
          <g
            key={b.bin.lower}
            data-testid="reliability-bar"
            data-count={b.bin.count}
            data-accuracy={b.bin.accuracy ?? ""}
            data-confidence={b.bin.confidence ?? ""}
          >
            <rect x={b.x} width={b.width} y={b.accuracyY} height={b.baseY - b.accuracyY} fill="#3b82f6" opacity={0.8} />
            {/* The gap to perfect calibration: from the bin's accuracy to its mean confidence. */}
            <rect
              x={b.x}
              width={b.width}
              y={Math.min(b.accuracyY, b.confidenceY)}
              height={Math.abs(b.confidenceY - b.accuracyY)}
              fill="#ef4444"
              opacity={0.35}
            />
            <title>
              {`confidence ${b.bin.lower.toFixed(2)}–${b.bin.upper.toFixed(2)}: ${b.bin.count} digits, accuracy ${((b.bin.accuracy ?? 0) * 100).toFixed(1)}%, mean confidence ${((b.bin.confidence ?? 0) * 100).toFixed(1)}%`}
            </title>
          </g>
        ))}
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} stroke="#0f172a" strokeDasharray="4 3" />
        <g fontSize={11} fill="#475569">
          {layout.ticks.map((t) => (
            <g key={t}>
              <text x={x(t)} y={HEIGHT - margin.bottom + 14} textAnchor="middle">
                {t}
              </text>
              <text x={margin.left - 6} y={y(t) + 4} textAnchor="end">
                {t}
              </text>
            </g>
          ))}
          <text x={(margin.left + WIDTH - margin.right) / 2} y={HEIGHT - 6} textAnchor="middle">
            confidence (top probability)
          </text>
          <text
            transform={`translate(12 ${(HEIGHT - margin.bottom + margin.top) / 2}) rotate(-90)`}
            textAnchor="middle"
          >
            accuracy
          </text>
        </g>
      </svg>
      <div className="table-scroll">
        <table data-testid={`${testId}-classes`}>
          <thead>
            <tr>
              <th>class</th>
              {view.perClassEce.map((_, c) => (
                <th key={c} className="num">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th>ECE</th>
              {view.perClassEce.map((v, c) => (
                <td key={c} className="num" data-class={c} data-ece={v ?? ""}>
                  {fmtEce(v)}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
    </figure>
  );
}

export function CalibrationSection({
  val,
  test,
  bestEpoch,
}: {
  val: Array<{ epoch: number } & CalibrationView>;
  test: CalibrationView | null;
  bestEpoch: number | null;
}) {
  const [position, setPosition] = useState(val.length - 1);
  const current = val[Math.min(Math.max(position, 0), val.length - 1)];
  return (
    <section className="card" data-testid="calibration">
      <h2>Calibration</h2>
      <p className="muted">
        Reliability diagrams with 15 equal-width confidence bins: bars are each bin&apos;s accuracy, red the gap to its
        mean confidence, the dashed diagonal perfect calibration. ECE weighs each bin&apos;s gap by its share of the
        digits (top label); classwise ECE averages the ten classes&apos; ECEs, each over every digit&apos;s p(class).
      </p>
      {val.length === 0 && !test ? (
        <p data-testid="calibration-none">
          This run stored no validation probabilities per epoch (recorded before they were stored, or without a
          validation split) and has no test predictions yet.
        </p>
      ) : null}
      <div className="chart-pair">
        {current ? (
          <div>
            <label>
              validation after epoch <strong data-testid="calibration-epoch">{current.epoch}</strong>{" "}
              <input
                type="range"
                min={0}
                max={val.length - 1}
                step={1}
                value={Math.min(Math.max(position, 0), val.length - 1)}
                onChange={(e) => setPosition(Number(e.target.value))}
                data-testid="calibration-slider"
                aria-label="epoch"
              />
            </label>
            <ReliabilityDiagram view={current} testId="calibration-val" title={`Validation, epoch ${current.epoch}`} />
          </div>
        ) : val.length === 0 && test ? (
          <p className="muted" data-testid="calibration-no-epochs">
            No validation probabilities were stored per epoch for this run.
          </p>
        ) : null}
        {test ? (
          <ReliabilityDiagram
            view={test}
            testId="calibration-test"
            title={`Test, restored checkpoint${bestEpoch !== null ? ` (epoch ${bestEpoch})` : ""}`}
          />
        ) : null}
      </div>
    </section>
  );
}

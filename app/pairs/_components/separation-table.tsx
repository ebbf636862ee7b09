// The pair's separation table (layer × epoch), each layer's row streamed in as soon as it is computed.
import Link from "next/link";
import { Suspense } from "react";
import { PIXELS_LAYER } from "@/lib/core/constants";
import { type SeparationCell, type SeparationPlan } from "@/lib/features/pairs/pair-separation";
import type { PairView } from "@/lib/chart/pair-view";
import {
  formatSeparation,
  metricValue,
  separatedFrom,
  separationFill,
  separationText,
  SEPARATED_PURITY,
} from "@/lib/chart/separation";
import styles from "./pairs.module.css";

interface TableProps {
  plan: SeparationPlan;
  metric: PairView["metric"];
  /** The epoch the projections below show, marked in the table. */
  selectedEpoch: number | null;
  /** Epochs with stored projections: their cells link to them. */
  linkedEpochs: number[];
  href: (view: Partial<PairView>) => string;
}

interface CellProps {
  c: SeparationCell | undefined;
  layerIndex: number;
  layerName: string;
  epoch: number;
  span: number;
  props: TableProps;
}

function Cell({ c, layerIndex, layerName, epoch, span, props }: CellProps) {
  const value = c ? metricValue(c, props.metric) : Number.NaN;
  const text = formatSeparation(value, props.metric);
  const title = c
    ? `${layerName}${epoch ? `, epoch ${epoch}` : ""}: kNN purity ${(c.knnPurity * 100).toFixed(1)}%, silhouette ${c.silhouette.toFixed(3)}`
    : "not recorded";
  return (
    <td
      colSpan={span}
      style={{ background: separationFill(value, props.metric), color: separationText(value, props.metric) }}
      className={epoch && epoch === props.selectedEpoch ? styles.selected : undefined}
      title={title}
      data-testid="sep-cell"
      data-layer={layerIndex}
      data-epoch={epoch}
      data-knn={c?.knnPurity}
      data-silhouette={c?.silhouette}
    >
      {epoch && props.linkedEpochs.includes(epoch) ? (
        <Link href={props.href({ epoch })}>{text}</Link>
      ) : (
        <span>{text}</span>
      )}
    </td>
  );
}

async function Row({ layerIndex, layerName, props }: { layerIndex: number; layerName: string; props: TableProps }) {
  const cells = await props.plan.row(layerIndex);
  const { epochs } = props.plan;
  return (
    <tr data-layer={layerIndex} data-testid="sep-row">
      <th scope="row">{layerName}</th>
      {layerIndex === PIXELS_LAYER ? (
        <Cell
          c={cells[0]}
          layerIndex={layerIndex}
          layerName={layerName}
          epoch={0}
          span={Math.max(1, epochs.length)}
          props={props}
        />
      ) : (
        epochs.map((e) => (
          <Cell
            key={e}
            c={cells.find((c) => c.epoch === e)}
            layerIndex={layerIndex}
            layerName={layerName}
            epoch={e}
            span={1}
            props={props}
          />
        ))
      )}
    </tr>
  );
}

function PendingRow({ layerName, span }: { layerName: string; span: number }) {
  return (
    <tr>
      <th scope="row">{layerName}</th>
      <td colSpan={span} className="muted">
        <span>computing…</span>
      </td>
    </tr>
  );
}

export function SeparationTable(props: TableProps) {
  const { plan } = props;
  return (
    <div className="table-scroll">
      <table className={styles.grid} data-testid="separation-table" data-metric={props.metric}>
        <thead>
          <tr>
            <th>layer \ epoch</th>
            {plan.epochs.map((e) => (
              <th key={e} className={e === props.selectedEpoch ? styles.selected : undefined}>
                {e}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {plan.layers.map((l) => (
            <Suspense
              key={l.layerIndex}
              fallback={<PendingRow layerName={l.layerName} span={Math.max(1, plan.epochs.length)} />}
            >
              <Row layerIndex={l.layerIndex} layerName={l.layerName} props={props} />
            </Suspense>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Where and when the hidden layers keep the two classes apart, once every row is known. */
export async function SeparationSummary({ plan, partial = false }: { plan: SeparationPlan; partial?: boolean }) {
  const grid = await plan.grid;
  const hidden = grid.layers.filter((l) => l.layerIndex !== PIXELS_LAYER);
  const from = separatedFrom(grid.cells.filter((c) => c.layerIndex !== PIXELS_LAYER));
  const pixels = grid.cells.find((c) => c.layerIndex === PIXELS_LAYER);
  const threshold = `${SEPARATED_PURITY * 100}%`;
  const parts = hidden.map((l) => {
    const e = from.get(l.layerIndex);
    return e
      ? `${l.layerName} keeps them apart (≥ ${threshold} purity) from epoch ${e}`
      : `${l.layerName} ${partial ? "has not reached" : "never reaches"} ${threshold} purity${partial ? " so far" : ""}`;
  });
  return (
    <p data-testid="separation-summary" data-compute-ms={Math.round(grid.computeMs)}>
      {hidden.length === 0 ? "This run recorded no probe embeddings." : `${parts.join("; ")}.`}
      {pixels ? ` Raw pixels: ${formatSeparation(pixels.knnPurity, "knn")}%.` : ""}
    </p>
  );
}

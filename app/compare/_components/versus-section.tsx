// One run against the first (A): the B − A confusion difference on the digits both evaluated, and the per-digit flips.
import Link from "next/link";
import type { RunFlips } from "@/lib/features/compare/flips";
import { divergingFill, formatDelta, layoutDifference } from "@/lib/chart/diverging";
import { formatCount } from "@/lib/chart/ticks";
import { ClassGrid } from "@/app/_components/class-grid";
import type { GallerySection } from "@/app/_components/gallery-sections";
import styles from "./compare.module.css";
import { NUM_CLASSES } from "@/lib/core/constants";

export function DifferenceMatrix({
  difference,
  baseId,
  otherId,
}: {
  difference: number[];
  baseId: number;
  otherId: number;
}) {
  const cells = layoutDifference(difference);
  return (
    <div>
      <ClassGrid
        label={`confusion of run ${otherId} minus run ${baseId}`}
        testId="difference-matrix"
        renderCell={(t, p) => {
          const c = cells[t * NUM_CLASSES + p]!;
          const what = t === p ? "correct" : `true ${t} predicted ${p}`;
          return (
            <div
              key={p}
              role="gridcell"
              className={`cm-cell${t === p ? " cm-diag" : ""}`}
              style={{ background: c.fill, color: c.textFill }}
              title={`${what}: ${formatDelta(c.delta)} in run #${otherId} vs run #${baseId}`}
              data-testid="diff-cell"
              data-true={t}
              data-pred={p}
              data-delta={c.delta}
            >
              {c.delta === 0 ? "" : formatDelta(c.delta)}
            </div>
          );
        }}
      />
      <div className={styles.scale} aria-hidden="true">
        <span>#{otherId} worse</span>
        <span
          className={styles.scaleBar}
          style={{
            background: `linear-gradient(to right, ${divergingFill(-1)}, ${divergingFill(0)}, ${divergingFill(1)})`,
          }}
        />
        <span>#{otherId} better</span>
        <span>(more correct on the diagonal, fewer mistakes off it)</span>
      </div>
    </div>
  );
}

/** The two flip galleries of one comparison, for GallerySections (which draws them all from one pixel binary). */
export function flipSections(f: RunFlips): GallerySection[] {
  const hrefs = (items: RunFlips["baseOnlyDigits"], runId: number) =>
    Object.fromEntries(items.map((d) => [d.index, `/runs/${runId}/digits/${d.index}`]));
  const note = (shown: number, total: number, wrong: number) =>
    `${shown < total ? `the ${shown} most confident of ${formatCount(total)}; ` : ""}labels show run #${wrong}'s wrong prediction`;
  return [
    {
      key: `${f.otherId}-a`,
      testId: "flips-base-only",
      title: (
        <>
          #{f.baseId} right, #{f.otherId} wrong: <strong data-testid="flips-base-only-count">{f.baseOnly}</strong>
        </>
      ),
      note: note(f.baseOnlyDigits.length, f.baseOnly, f.otherId),
      items: f.baseOnlyDigits,
      hrefOf: hrefs(f.baseOnlyDigits, f.otherId),
      empty: `Run #${f.otherId} got every digit right that #${f.baseId} did.`,
    },
    {
      key: `${f.otherId}-b`,
      testId: "flips-other-only",
      title: (
        <>
          #{f.otherId} right, #{f.baseId} wrong: <strong data-testid="flips-other-only-count">{f.otherOnly}</strong>
        </>
      ),
      note: note(f.otherOnlyDigits.length, f.otherOnly, f.baseId),
      items: f.otherOnlyDigits,
      hrefOf: hrefs(f.otherOnlyDigits, f.baseId),
      empty: `Run #${f.baseId} got every digit right that #${f.otherId} did.`,
    },
  ];
}

export function FlipSummary({ f }: { f: RunFlips }) {
  const net = f.otherOnly - f.baseOnly;
  return (
    <p className={styles.flipCounts} data-testid="flip-summary" data-other={f.otherId} data-compared={f.compared}>
      <span>
        On the {formatCount(f.compared)} test digits both evaluated, run{" "}
        <Link href={`/runs/${f.otherId}`}>#{f.otherId}</Link> fixed {f.otherOnly} of run{" "}
        <Link href={`/runs/${f.baseId}`}>#{f.baseId}</Link>&apos;s mistakes and broke {f.baseOnly} of its right answers:
        net <strong>{formatDelta(net)}</strong>.
      </span>
    </p>
  );
}

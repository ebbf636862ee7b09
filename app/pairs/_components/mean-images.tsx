// The mean test image of each class of a pair and their difference on a diverging scale (where the two digits differ).
import { DigitCanvas } from "@/app/runs/[id]/_components/digit-canvas";
import { divergingFill, maxAbsolute } from "@/lib/chart/diverging";
import { DifferenceCanvas } from "./difference-canvas";
import styles from "./pairs.module.css";

interface Props {
  a: number;
  b: number;
  /** [784] in 0..1 */
  meanA: number[];
  meanB: number[];
  countA: number;
  countB: number;
}

export function MeanImages({ a, b, meanA, meanB, countA, countB }: Props) {
  const diff = meanA.map((v, i) => Math.round((v - meanB[i]!) * 10_000) / 10_000);
  // At least 0.05 so two near-identical means are not blown up to full colour.
  const maxAbs = maxAbsolute(diff, 0.05);
  const gray = (mean: number[]) => mean.map((v) => Math.round(v * 255));
  return (
    <div>
      <div className={styles.means}>
        <figure data-testid="mean-a" data-count={countA}>
          <DigitCanvas
            pixels={gray(meanA)}
            label={`mean image of ${countA} test digits ${a}`}
            className={styles.heat}
          />
          <figcaption>
            mean {a} ({countA} digits)
          </figcaption>
        </figure>
        <figure data-testid="mean-b" data-count={countB}>
          <DigitCanvas
            pixels={gray(meanB)}
            label={`mean image of ${countB} test digits ${b}`}
            className={styles.heat}
          />
          <figcaption>
            mean {b} ({countB} digits)
          </figcaption>
        </figure>
        <figure>
          <DifferenceCanvas values={diff} maxAbs={maxAbs} label={`mean ${a} minus mean ${b}`} className={styles.heat} />
          <figcaption>
            mean {a} − mean {b}
          </figcaption>
        </figure>
      </div>
      <div className={styles.scale} aria-hidden="true">
        <span>more ink in {b}</span>
        <span
          className={styles.scaleBar}
          style={{
            background: `linear-gradient(to right, ${divergingFill(-1)}, ${divergingFill(0)}, ${divergingFill(1)})`,
          }}
        />
        <span>more ink in {a}</span>
        <span>(±{Math.round(maxAbs * 100)}% of full intensity)</span>
      </div>
    </div>
  );
}

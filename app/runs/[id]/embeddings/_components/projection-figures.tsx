// The honest numbers beside a picture: kNN accuracy in the original space, trustworthiness of the layout, KL, size,
// and what computed it (method, algorithm, neighbours).
import type { FrameInfo, SeriesInfo } from "@/lib/chart/scatter-view";
import { describeAlgorithm } from "@/lib/core/projection";

const KNN_HELP =
  "Leave-one-out accuracy of a 10-nearest-neighbour vote in the ORIGINAL space (activations or pixels): how well this layer separates the classes, whatever the picture shows.";
const TRUST_HELP =
  "Trustworthiness (k = 10): how far each digit's nearest neighbours in the picture are also near in the original space. 1 = no false neighbours; about 0.5 = random.";
const ALGORITHM_HELP =
  "How the layout was computed: t-SNE's repulsion (FFT interpolation or Barnes–Hut) or UMAP's optimiser, and whether the input neighbours were exact or approximate. Older layouts did not record it.";
const KL_HELP =
  "Kullback-Leibler divergence the t-SNE minimised (lower = the layout matches the input affinities better); comparable only within one subset.";

export function ProjectionFigures({
  series,
  frame,
  title,
  predictionSource,
}: {
  series: SeriesInfo;
  frame: FrameInfo | undefined;
  title: string;
  predictionSource: string | null;
}) {
  return (
    <div className="projection-figures">
      <h2 data-testid="projection-title">{title}</h2>
      <dl className="figures" data-testid="projection-metrics">
        <div title={KNN_HELP}>
          <dt>kNN accuracy (original space)</dt>
          <dd data-testid="knn-accuracy">
            {frame?.knnAccuracy != null ? `${(frame.knnAccuracy * 100).toFixed(1)}%` : "—"}
          </dd>
        </div>
        <div title={TRUST_HELP}>
          <dt>trustworthiness</dt>
          <dd data-testid="trustworthiness">
            {frame?.trustworthiness != null
              ? frame.trustworthiness.toFixed(3)
              : frame?.final === false
                ? "final only"
                : "—"}
          </dd>
        </div>
        {series.method === "tsne" ? (
          <div title={KL_HELP}>
            <dt>KL divergence</dt>
            <dd data-testid="kl-divergence">{frame?.klDivergence != null ? frame.klDivergence.toFixed(3) : "—"}</dd>
          </div>
        ) : null}
        <div title={ALGORITHM_HELP}>
          <dt>computed by</dt>
          <dd data-testid="projection-algorithm">
            {describeAlgorithm(series.method, frame?.algorithm, frame?.neighbours)}
          </dd>
        </div>
        <div>
          <dt>points</dt>
          <dd>{frame ? frame.rows.toLocaleString("en-US") : "—"}</dd>
        </div>
        <div>
          <dt>predictions</dt>
          <dd>{predictionSource ?? "none yet"}</dd>
        </div>
      </dl>
    </div>
  );
}

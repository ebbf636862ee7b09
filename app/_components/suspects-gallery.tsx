// Ranked suspect labels as thumbnails (the shared digit gallery and one pixel binary of the page's digits), each with
// its given and suggested label, score, every source's probabilities, its latest review and, for the admin, buttons.
import type { SuspectsPage } from "@/lib/features/labels/suspects";
import { DigitGallery, type GalleryItem } from "@/app/runs/[id]/_components/digit-gallery";
import { ReviewButtons } from "./review-buttons";

function percent(p: number): string {
  return `${(p * 100).toFixed(p >= 0.995 || p < 0.005 ? 0 : 1)}%`;
}

export function SuspectsGallery({ data, csrfToken }: { data: SuspectsPage; csrfToken: string | null }) {
  const items: GalleryItem[] = data.items.map((s, slot) => {
    const mean = s.partProbs.reduce((sum, p) => sum + p[s.suggested]!, 0) / s.partProbs.length;
    return { index: s.index, trueLabel: s.given, predicted: s.suggested, confidence: mean, slot };
  });
  // The inspector shows test digits of a run; training digits have no page of their own.
  const inspector = data.subset === "test" ? data.parts.find((p) => p.runId !== null) : undefined;
  const hrefOf = Object.fromEntries(
    data.items.map((s) => [s.index, inspector ? `/runs/${inspector.runId}/digits/${s.index}` : "#"]),
  );
  const footerOf = Object.fromEntries(
    data.items.map((s) => [
      s.index,
      <span
        key={s.index}
        className="suspect-details"
        data-testid="suspect"
        data-index={s.index}
        data-given={s.given}
        data-suggested={s.suggested}
        data-score={s.score}
        data-verdict={s.review?.verdict ?? ""}
      >
        <span>
          #{s.index} given {s.given} → {s.suggested} · score{" "}
          {Math.abs(s.score) < 0.01 ? s.score.toExponential(1) : s.score.toFixed(3)}
        </span>
        {s.partProbs.map((p, i) => (
          <span key={i} title={`${data.parts[i]!.name}: ${p.map((v, c) => `${c}: ${percent(v)}`).join(", ")}`}>
            {data.parts.length > 1 ? `${data.parts[i]!.runId ?? i + 1}: ` : ""}p({s.given}) {percent(p[s.given]!)} · p(
            {s.suggested}) {percent(p[s.suggested]!)}
          </span>
        ))}
        {s.review ? (
          <span data-testid="suspect-review">
            reviewed: {s.review.verdict}
            {s.review.correctedLabel !== null ? ` (${s.review.correctedLabel})` : ""}
          </span>
        ) : null}
        {csrfToken ? (
          <ReviewButtons
            csrfToken={csrfToken}
            subset={data.subset}
            index={s.index}
            given={s.given}
            suggested={s.suggested}
          />
        ) : null}
      </span>,
    ]),
  );
  const pixelsUrl = `/api/labels/pixels?subset=${data.subset}&indices=${data.items.map((s) => s.index).join(",")}`;
  return (
    <div className="gallery-wide-wrap">
      <DigitGallery items={items} pixelsUrl={pixelsUrl} hrefOf={hrefOf} footerOf={footerOf} />
    </div>
  );
}

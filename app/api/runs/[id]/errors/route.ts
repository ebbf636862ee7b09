// CSV export of a run's misclassified test digits, with the gallery's filters and sort (?true=&pred=&sort=).
import { getDb } from "@/lib/db/client";
import { fetchErrors } from "@/lib/features/digits/errors";
import { selectErrors } from "@/lib/chart/gallery";
import { toCsv } from "@/lib/core/csv";
import { notFoundAnswer, withBusyAnswer } from "@/app/api/_lib/handler";
import { parseGalleryView, parseRunId } from "@/lib/core/view-state";

export const dynamic = "force-dynamic";

export const GET = withBusyAnswer(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseRunId((await params).id);
  const errors = id === null ? null : await fetchErrors(getDb(), id);
  if (!errors) return notFoundAnswer("no such run, or it has no final predictions yet");
  const view = parseGalleryView(Object.fromEntries(new URL(request.url).searchParams));
  const rows = selectErrors(errors, view).map((e) => [
    e.index,
    e.trueLabel,
    e.predicted,
    e.confidence.toFixed(6),
    e.trueProb.toFixed(6),
  ]);
  const body = toCsv(["test_index", "true_label", "predicted_label", "confidence", "true_label_probability"], rows);
  const suffix = [
    view.trueLabel !== null ? `true${view.trueLabel}` : "",
    view.predicted !== null ? `pred${view.predicted}` : "",
  ]
    .filter(Boolean)
    .join("-");
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="run-${id}-misclassified${suffix ? `-${suffix}` : ""}.csv"`,
      "Cache-Control": "no-store",
    },
  });
});

// A run's data map as one binary: float32 [6, trainSize] column-major (lib/chart/data-map.ts), training-index order.
import { getDb } from "@/lib/db/client";
import { fetchDataMapBlob } from "@/lib/features/dynamics/data-map";
import { parseRunId } from "@/lib/core/view-state";
import { notFoundAnswer, withBusyAnswer } from "@/app/api/_lib/handler";
import { withRanges } from "@/app/api/_lib/blob-response";

export const dynamic = "force-dynamic";

export const GET = withBusyAnswer(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseRunId((await params).id);
  const map = id === null ? null : await fetchDataMapBlob(getDb(), id);
  if (!map) return notFoundAnswer("no such run, or it recorded no training dynamics");
  const headers = {
    "Content-Type": "application/octet-stream",
    // Revalidated each time: a training run adds an epoch, which changes the map and its ETag.
    "Cache-Control": "private, no-cache",
    ETag: `"dynamics-${id}-${map.epochs}-${map.count}"`,
    "X-Digit-Count": String(map.count),
    "X-Epoch-Count": String(map.epochs),
  };
  return withRanges(request, new Response(map.blob, { headers }));
});

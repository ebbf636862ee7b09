// A run's best checkpoint's weights as one binary (float32 little-endian in model.json's manifest order).
import { getDb } from "@/lib/db/client";
import { fetchModelWeights } from "@/lib/features/draw/model-files";
import { parseRunId } from "@/lib/core/view-state";
import { notFoundAnswer, withBusyAnswer } from "@/app/api/_lib/handler";
import { withRanges } from "@/app/api/_lib/blob-response";
import { modelCacheHeaders } from "../_lib/model-cache";

export const dynamic = "force-dynamic";

export const GET = withBusyAnswer(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseRunId((await params).id);
  const file = id === null ? null : await fetchModelWeights(getDb(), id);
  if (!file) return notFoundAnswer("no such run, or it has no best checkpoint");
  const { headers, notModified } = modelCacheHeaders(request, file.token, "weights");
  if (notModified) return notModified;
  return withRanges(
    request,
    new Response(file.body, {
      headers: { ...headers, "Content-Type": "application/octet-stream", "X-Checkpoint-Epoch": String(file.epoch) },
    }),
  );
});

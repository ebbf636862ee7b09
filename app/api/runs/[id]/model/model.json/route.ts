// A run's best checkpoint as tf.io's model.json (topology and weights manifest), for tf.loadLayersModel in the browser.
import { getDb } from "@/lib/db/client";
import { fetchModelJson } from "@/lib/features/draw/model-files";
import { parseRunId } from "@/lib/core/view-state";
import { notFoundAnswer, withBusyAnswer } from "@/app/api/_lib/handler";
import { modelCacheHeaders } from "../_lib/model-cache";

export const dynamic = "force-dynamic";

export const GET = withBusyAnswer(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseRunId((await params).id);
  const file = id === null ? null : await fetchModelJson(getDb(), id);
  if (!file) return notFoundAnswer("no such run, or it has no best checkpoint");
  const { headers, notModified } = modelCacheHeaders(request, file.token, "json");
  if (notModified) return notModified;
  return Response.json(file.body, { headers: { ...headers, "X-Checkpoint-Epoch": String(file.epoch) } });
});

// The pixels of a run's misclassified test digits as one binary, uint8 [k, 784] in misclassified-slot order.
import { getDb } from "@/lib/db/client";
import { pixelsResponse } from "@/app/api/_lib/pixels-response";
import { badParameter, notFoundAnswer, withBusyAnswer } from "@/app/api/_lib/handler";
import { fetchErrorPixels } from "@/lib/features/digits/errors";
import { parseRunId } from "@/lib/core/view-state";

export const dynamic = "force-dynamic";

export const GET = withBusyAnswer(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseRunId((await params).id);
  const set = new URL(request.url).searchParams.get("set") ?? "errors";
  if (set !== "errors") return badParameter("set", '"errors" (the only set served)');
  const pixels = id === null ? null : await fetchErrorPixels(getDb(), id);
  if (!pixels) return notFoundAnswer("no such run, or it has no final predictions yet");
  // A run's final predictions never change once written; the ETag guards against a reused run id in a reset database.
  return pixelsResponse(request, pixels, `run-${id}-errors`);
});

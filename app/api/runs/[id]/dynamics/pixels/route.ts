// Pixels of chosen training digits of a run as one binary, uint8 [k, 784] in the order asked: the data map's hover
// thumbnails and its box-selection gallery.
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { getRun } from "@/lib/db/runs";
import { gatherTrainPixels } from "@/lib/features/dynamics/data-map";
import { parseRunId } from "@/lib/core/view-state";
import { MAX_PIXEL_INDICES, parseIndexList } from "@/lib/core/index-list";
import { badParameter, notFoundAnswer, withBusyAnswer } from "@/app/api/_lib/handler";
import { pixelsResponse } from "@/app/api/_lib/pixels-response";

export const dynamic = "force-dynamic";

const querySchema = z.object({ indices: z.string().max(MAX_PIXEL_INDICES * 7) });

export const GET = withBusyAnswer(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseRunId((await params).id);
  const query = querySchema.safeParse({ indices: new URL(request.url).searchParams.get("indices") ?? undefined });
  const expected = `comma-separated training indices (at most ${MAX_PIXEL_INDICES})`;
  if (!query.success) return badParameter("indices", expected);
  const indices = parseIndexList(query.data.indices, MAX_PIXEL_INDICES);
  if (!indices) return badParameter("indices", expected);
  const run = id === null ? null : await getRun(getDb(), id);
  if (!run) return notFoundAnswer("no such run");
  if (indices.some((i) => i >= run.trainSize))
    return badParameter("indices", `training indices below the run's ${run.trainSize} training digits`);
  // The MNIST training split never changes: the indices name the bytes.
  return pixelsResponse(request, gatherTrainPixels(indices), `train-${indices.length}-${hashIndices(indices)}`);
});

/** A short FNV-1a hash of the index list for the ETag (the list itself may be thousands of characters). */
function hashIndices(indices: number[]): string {
  let h = 0x811c9dc5;
  for (const i of indices) {
    h ^= i;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

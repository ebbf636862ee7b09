// The pixels of a subset's digits as one binary, uint8 [rows, 784] in row order: the explorer's thumbnails.
import { getDb } from "@/lib/db/client";
import { pixelsResponse } from "@/app/api/_lib/pixels-response";
import { fetchSubsetPixels } from "@/lib/features/explorer/downloads";
import { describeQueryError, pixelsQuerySchema } from "@/lib/chart/scatter-view";
import { parseRunId } from "@/lib/core/view-state";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = parseRunId((await params).id);
  const query = pixelsQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return new Response(`bad query: ${describeQueryError(query.error)}`, { status: 400 });
  const pixels = id === null ? null : await fetchSubsetPixels(getDb(), id, query.data.subset);
  if (!pixels) return new Response("no such run", { status: 404 });
  // A run's probe indices and test digits are fixed once it starts; the size guards against a reused run id.
  return pixelsResponse(request, pixels, `run-${id}-${query.data.subset}-pixels`);
}

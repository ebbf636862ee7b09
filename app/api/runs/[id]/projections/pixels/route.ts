// The pixels of a subset's digits as one binary, uint8 [rows, 784] in row order: the explorer's thumbnails.
import { getDb } from "@/lib/db/client";
import { fetchSubsetPixels } from "@/lib/db/explorer";
import { describeQueryError, pixelsQuerySchema } from "@/lib/chart/scatter-view";
import { parseRunId } from "@/lib/chart/view-state";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = parseRunId((await params).id);
  const query = pixelsQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return new Response(`bad query: ${describeQueryError(query.error)}`, { status: 400 });
  const pixels = id === null ? null : fetchSubsetPixels(getDb(), id, query.data.subset);
  if (!pixels) return new Response("no such run", { status: 404 });
  // A run's probe indices and test digits are fixed once it starts; the size guards against a reused run id.
  const etag = `"run-${id}-${query.data.subset}-pixels-${pixels.length}"`;
  const headers = {
    "Content-Type": "application/octet-stream",
    "Cache-Control": "private, max-age=3600",
    ETag: etag,
    "X-Digit-Count": String(pixels.length / 784),
  };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(pixels, { headers });
}

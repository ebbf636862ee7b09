// One stored 2-D layout as a binary: float32 little-endian [rows, 2], for the embedding explorer's canvas.
import { getDb } from "@/lib/db/client";
import { fetchProjectionBlob } from "@/lib/features/explorer/downloads";
import { describeQueryError, projectionQuerySchema } from "@/lib/chart/scatter-view";
import { parseRunId } from "@/lib/core/view-state";
import { withRanges } from "@/app/api/_lib/blob-response";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = parseRunId((await params).id);
  const query = projectionQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return new Response(`bad query: ${describeQueryError(query.error)}`, { status: 400 });
  const blob = id === null ? null : await fetchProjectionBlob(getDb(), id, query.data);
  if (!blob) return new Response("no such run or projection", { status: 404 });
  // A stored layout never changes (projectRun only fills in missing ones); the ETag names the row and its write time.
  const headers = {
    "Content-Type": "application/octet-stream",
    "Cache-Control": "private, max-age=3600",
    ETag: blob.etag,
    "X-Rows": String(blob.rows),
  };
  if (request.headers.get("if-none-match") === blob.etag) return new Response(null, { status: 304, headers });
  return withRanges(request, new Response(new Uint8Array(blob.coords), { headers }));
}

// The pixels of a pair page's gallery digits as one binary, uint8 [k, 784] in slot order (see fetchPairDetail).
import { getDb } from "@/lib/db/client";
import { fetchPairPixels, resolvePairRun } from "@/lib/features/pairs/pair-details";
import { parsePairParam, parseRunChoice } from "@/lib/chart/pair-view";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ pair: string }> }) {
  const pair = parsePairParam((await params).pair);
  if (!pair) return new Response("not a pair of two different digits like 4-9", { status: 404 });
  const url = new URL(request.url);
  const db = getDb();
  const resolved = await resolvePairRun(db, parseRunChoice({ run: url.searchParams.get("run") ?? undefined }));
  if (resolved.kind !== "ok") return new Response("no such finished run", { status: 404 });
  const pixels = await fetchPairPixels(db, resolved.run, pair.a, pair.b);
  if (!pixels) return new Response("the run has no final predictions", { status: 404 });
  // A finished run's predictions never change; finishedAt in the ETag guards against a reused id in a reset database.
  const etag = `"pair-${resolved.run.id}-${pair.a}-${pair.b}-${resolved.run.finishedAt?.getTime() ?? 0}"`;
  const headers = {
    "Content-Type": "application/octet-stream",
    "Cache-Control": "private, max-age=3600",
    ETag: etag,
    "X-Digit-Count": String(pixels.length / 784),
  };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(pixels, { headers });
}

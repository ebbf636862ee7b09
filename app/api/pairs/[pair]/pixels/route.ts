// The pixels of a pair page's gallery digits as one binary, uint8 [k, 784] in slot order (see fetchPairDetail).
import { getDb } from "@/lib/db/client";
import { fetchPairPixels, resolvePairRun } from "@/lib/features/pairs/pair-details";
import { parsePairParam, parseRunChoice } from "@/lib/chart/pair-view";
import { badParameter, notFoundAnswer, withBusyAnswer } from "@/app/api/_lib/handler";
import { withRanges } from "@/app/api/_lib/blob-response";

export const dynamic = "force-dynamic";

export const GET = withBusyAnswer(async (request: Request, { params }: { params: Promise<{ pair: string }> }) => {
  const pair = parsePairParam((await params).pair);
  if (!pair) return notFoundAnswer("not a pair of two different digits like 4-9");
  const url = new URL(request.url);
  const db = getDb();
  const choice = parseRunChoice({ run: url.searchParams.get("run") ?? undefined });
  if (choice.kind === "invalid") return badParameter("run", "a positive integer run id");
  const resolved = await resolvePairRun(db, choice);
  if (resolved.kind !== "ok") return notFoundAnswer("no such finished run");
  const pixels = await fetchPairPixels(db, resolved.run, pair.a, pair.b);
  if (!pixels) return notFoundAnswer(`run ${resolved.run.id} has no final predictions`);
  // A finished run's predictions never change; finishedAt in the ETag guards against a reused id in a reset database.
  const etag = `"pair-${resolved.run.id}-${pair.a}-${pair.b}-${resolved.run.finishedAt?.getTime() ?? 0}"`;
  const headers = {
    "Content-Type": "application/octet-stream",
    "Cache-Control": "private, max-age=3600",
    ETag: etag,
    "X-Digit-Count": String(pixels.length / 784),
  };
  return withRanges(request, new Response(pixels, { headers }));
});

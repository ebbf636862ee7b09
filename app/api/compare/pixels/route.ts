// The pixels of the compare page's flip galleries as one binary, uint8 [k, 784] in slot order (see fetchRunFlips).
import { getDb } from "@/lib/db/client";
import { getRun } from "@/lib/db/runs";
import { fetchFlipPixels } from "@/lib/features/compare/flips";
import { MAX_COMPARED_RUNS, parseCompareRuns } from "@/lib/chart/pair-view";
import { badParameter, notFoundAnswer, withBusyAnswer } from "@/app/api/_lib/handler";
import { withRanges } from "@/app/api/_lib/blob-response";

export const dynamic = "force-dynamic";

export const GET = withBusyAnswer(async (request: Request) => {
  const url = new URL(request.url);
  const choice = parseCompareRuns({ runs: url.searchParams.getAll("runs") });
  if (choice.kind === "invalid") return badParameter("runs", "comma-separated positive integer run ids");
  if (choice.ids.length < 2 || choice.ids.length > MAX_COMPARED_RUNS)
    return badParameter("runs", `2 to ${MAX_COMPARED_RUNS} different run ids`);
  const db = getDb();
  const runs = await Promise.all(choice.ids.map((id) => getRun(db, id)));
  const missing = choice.ids.filter((_, i) => runs[i] === null);
  if (missing.length > 0) return notFoundAnswer(`no run ${missing.join(", no run ")}`);
  const [base, ...others] = choice.ids;
  const pixels = await fetchFlipPixels(db, base!, others);
  const headers: Record<string, string> = {
    "Content-Type": "application/octet-stream",
    "Cache-Control": "private, no-cache",
    "X-Digit-Count": String(pixels.length / 784),
  };
  // Finished runs' predictions never change: the flips of finished runs are an immutable blob (finishedAt guards
  // against ids reused in a reset database). While one still trains the flips may grow, so no ETag then.
  const finished = runs.map((r) => r?.finishedAt?.getTime() ?? null);
  if (finished.every((t) => t !== null)) headers.ETag = `"flips-${choice.ids.join("-")}-${finished.join("-")}"`;
  return withRanges(request, new Response(pixels, { headers }));
});

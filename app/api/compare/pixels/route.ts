// The pixels of the compare page's flip galleries as one binary, uint8 [k, 784] in slot order (see fetchRunFlips).
import { getDb } from "@/lib/db/client";
import { fetchFlipPixels } from "@/lib/features/compare/flips";
import { MAX_COMPARED_RUNS, parseCompareRuns } from "@/lib/chart/pair-view";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const url = new URL(request.url);
  const choice = parseCompareRuns({ runs: url.searchParams.getAll("runs") });
  if (choice.kind === "invalid") return new Response(`"${choice.raw}" is not a run id`, { status: 400 });
  if (choice.ids.length < 2 || choice.ids.length > MAX_COMPARED_RUNS)
    return new Response(`give 2 to ${MAX_COMPARED_RUNS} runs`, { status: 400 });
  const [base, ...others] = choice.ids;
  const pixels = await fetchFlipPixels(getDb(), base!, others);
  return new Response(pixels, {
    headers: {
      "Content-Type": "application/octet-stream",
      "Cache-Control": "private, no-cache",
      "X-Digit-Count": String(pixels.length / 784),
    },
  });
}

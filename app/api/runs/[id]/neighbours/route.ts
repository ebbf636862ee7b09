// The k nearest neighbours of one point in the original embedding space (not the 2-D layout), computed on demand.
import { getDb } from "@/lib/db/client";
import { fetchNeighbours } from "@/lib/features/explorer/neighbours";
import { describeQueryError, neighboursQuerySchema } from "@/lib/chart/scatter-view";
import { parseRunId } from "@/lib/core/view-state";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = parseRunId((await params).id);
  const query = neighboursQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return Response.json({ error: `bad query: ${describeQueryError(query.error)}` }, { status: 400 });
  const started = performance.now();
  const neighbours = id === null ? null : await fetchNeighbours(getDb(), id, query.data);
  if (!neighbours) return Response.json({ error: "no such run, embedding or row" }, { status: 404 });
  // Stored embeddings never change, so neither do their neighbours.
  return Response.json(
    { k: neighbours.length, neighbours, computeMs: Math.round(performance.now() - started) },
    { headers: { "Cache-Control": "private, max-age=3600" } },
  );
}

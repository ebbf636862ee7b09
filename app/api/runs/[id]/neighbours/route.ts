// The k nearest neighbours of one point in the original embedding space (not the 2-D layout), computed on demand.
import { getDb } from "@/lib/db/client";
import { fetchNeighbours } from "@/lib/features/explorer/neighbours";
import { neighboursQuerySchema } from "@/lib/chart/scatter-view";
import { badQuery, notFoundAnswer, withBusyAnswer } from "@/app/api/_lib/handler";
import { parseRunId } from "@/lib/core/view-state";

export const dynamic = "force-dynamic";

export const GET = withBusyAnswer(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseRunId((await params).id);
  const query = neighboursQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return badQuery(query.error.issues);
  const started = performance.now();
  const neighbours = id === null ? null : await fetchNeighbours(getDb(), id, query.data);
  if (!neighbours) return notFoundAnswer("no such run, embedding or row");
  // Stored embeddings never change, so neither do their neighbours.
  return Response.json(
    { k: neighbours.length, neighbours, computeMs: Math.round(performance.now() - started) },
    { headers: { "Cache-Control": "private, max-age=3600" } },
  );
});

// A run's catalog of stored layouts as JSON, for the explorer and pair pages to poll while the run trains or projects:
// 304 with the same ETag until something is stored, so an idle poll costs three small aggregates.
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { fetchCatalogStamp, fetchExplorerCatalog } from "@/lib/features/explorer/catalog";
import { catalogEtag, describeQueryError } from "@/lib/chart/scatter-view";
import { parseRunId } from "@/lib/core/view-state";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  /** The caller's points stamp: the points are sent only when they have changed since. */
  points: z
    .string()
    .regex(/^[0-9]{1,9}f?$/, "must be a points stamp such as 12 or 16f")
    .optional(),
  /** "stamp": only whether the run is active and its stamp (the pair pages refresh themselves when it moves). */
  only: z.literal("stamp").optional(),
});

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = parseRunId((await params).id);
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return Response.json({ error: describeQueryError(query.error) }, { status: 400 });
  const db = getDb();
  const stamp = id === null ? null : await fetchCatalogStamp(db, id);
  if (!stamp || id === null) return Response.json({ error: "no such run" }, { status: 404 });
  // The ETag names the stored state; `no-cache` makes every poll ask, and the unchanged answer is an empty 304.
  const etag = catalogEtag(id, query.data.only ? `${stamp.stamp}-stamp` : stamp.stamp);
  const headers = { "Cache-Control": "private, no-cache", ETag: etag };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  if (query.data.only === "stamp") return Response.json({ stamp: stamp.stamp, active: stamp.active }, { headers });
  const catalog = await fetchExplorerCatalog(db, id, { havePoints: query.data.points });
  if (!catalog) return Response.json({ error: "no such run" }, { status: 404 });
  // The catalog read its own stamp first (it may be newer than the one above): its ETag is the one to send back.
  return Response.json(catalog, {
    headers: { ...headers, ETag: catalogEtag(id, catalog.stamp) },
  });
}

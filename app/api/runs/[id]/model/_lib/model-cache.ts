// The model files' caching: an ETag naming the checkpoint's version, 304 on a match, and `immutable` when the URL
// carries that version (?v=, as the playground requests it) so the browser does not even ask again.
import { etagMatches } from "@/app/api/_lib/blob-response";

/** A year: what an immutable response is kept for. */
const IMMUTABLE_MAX_AGE_S = 31_536_000;

/** Headers and, on an If-None-Match hit, the 304 answer for one of a checkpoint's files. */
export function modelCacheHeaders(
  request: Request,
  token: string,
  file: "json" | "weights",
): { headers: Record<string, string>; notModified: Response | null } {
  const etag = `"model-${token}-${file}"`;
  const versioned = new URL(request.url).searchParams.get("v") === token;
  const headers = {
    ETag: etag,
    // Unversioned (or stale-versioned) URLs revalidate every time: a retrained run id must not serve old weights.
    "Cache-Control": versioned ? `private, max-age=${IMMUTABLE_MAX_AGE_S}, immutable` : "private, no-cache",
  };
  const notModified = etagMatches(request.headers.get("if-none-match"), etag)
    ? new Response(null, { status: 304, headers })
    : null;
  return { headers, notModified };
}

// One binary response for digits' pixels (uint8 [k, 784]) with the cache headers, ETag revalidation and byte ranges
// every pixel route uses.
import { withRanges } from "./blob-response";

/** `tag` identifies the content (run, set, size); a matching If-None-Match gets a 304, a Range a 206. */
export function pixelsResponse(request: Request, pixels: Uint8Array<ArrayBuffer>, tag: string): Promise<Response> {
  const etag = `"${tag}-${pixels.length}"`;
  const headers = {
    "Content-Type": "application/octet-stream",
    "Cache-Control": "private, max-age=3600",
    ETag: etag,
    "X-Digit-Count": String(pixels.length / 784),
  };
  return withRanges(request, new Response(pixels, { headers }));
}

// One binary response for digits' pixels (uint8 [k, 784]) with the cache headers and ETag revalidation both pixel routes use.

/** `tag` identifies the content (run, set, size); a matching If-None-Match gets a 304 without the body. */
export function pixelsResponse(request: Request, pixels: Uint8Array<ArrayBuffer>, tag: string): Response {
  const etag = `"${tag}-${pixels.length}"`;
  const headers = {
    "Content-Type": "application/octet-stream",
    "Cache-Control": "private, max-age=3600",
    ETag: etag,
    "X-Digit-Count": String(pixels.length / 784),
  };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(pixels, { headers });
}

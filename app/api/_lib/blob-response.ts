// Conditional and partial answers for the binary blob routes (projection coordinates, digits' pixels): a strong
// ETag matched by If-None-Match gives 304, and one `Range: bytes=…` gives 206 with Content-Range (RFC 9110 §14).

/** The byte range [start, end] (inclusive) of one `bytes=` range spec over `size` bytes; null when unsatisfiable. */
export function parseByteRange(header: string, size: number): { start: number; end: number } | "ignore" | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges or another unit: RFC 9110 lets a server ignore Range and send the whole body.
  if (!m) return "ignore";
  const [, first = "", last = ""] = m;
  if (first === "" && last === "") return "ignore";
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return null;
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return end < start ? "ignore" : { start, end };
}

/** Whether an If-None-Match list names `etag` (weak comparison, as RFC 9110 §13.1.2 asks for this header). */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === opaque);
}

/**
 * Answers `request` with `response`'s body, honouring If-None-Match (304) and one Range (206, or 416 with
 * `Content-Range: bytes *\/size`) when the response is a 200 with a strong ETag: the body is immutable, so If-Range
 * and a later range request both address the same bytes. Other responses pass through, said to accept no ranges.
 */
export async function withRanges(request: Request, response: Response): Promise<Response> {
  const etag = response.headers.get("etag");
  if (response.status !== 200 || etag === null || etag.startsWith("W/")) {
    if (response.status === 200) response.headers.set("Accept-Ranges", "none");
    return response;
  }
  const headers = new Headers(response.headers);
  headers.set("Accept-Ranges", "bytes");
  if (etagMatches(request.headers.get("if-none-match"), etag)) {
    headers.delete("content-length");
    return new Response(null, { status: 304, headers });
  }
  const range = request.headers.get("range");
  const ifRange = request.headers.get("if-range");
  if (range === null || (ifRange !== null && ifRange.trim() !== etag)) return new Response(response.body, { headers });
  const body = new Uint8Array(await response.arrayBuffer());
  const wanted = parseByteRange(range, body.length);
  if (wanted === "ignore") return new Response(body, { headers });
  if (wanted === null) {
    headers.set("Content-Range", `bytes */${body.length}`);
    return new Response(null, { status: 416, headers });
  }
  headers.set("Content-Range", `bytes ${wanted.start}-${wanted.end}/${body.length}`);
  return new Response(body.subarray(wanted.start, wanted.end + 1), { status: 206, headers });
}

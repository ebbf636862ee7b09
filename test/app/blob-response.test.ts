import { describe, expect, it } from "vitest";
import { etagMatches, parseByteRange, withRanges } from "../../app/api/_lib/blob-response";

const BODY = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
const ETAG = '"blob-1"';

function blob(headers: Record<string, string> = { ETag: ETAG }): Response {
  return new Response(BODY.slice(), { headers: { "Content-Type": "application/octet-stream", ...headers } });
}

function get(headers: Record<string, string>): Request {
  return new Request("http://localhost/api/blob", { headers });
}

describe("byte ranges and ETags of blob answers", () => {
  it("parseByteRange reads first-last, open-ended and suffix ranges, clamping the end to the size", () => {
    expect(parseByteRange("bytes=0-99", 1000)).toEqual({ start: 0, end: 99 });
    expect(parseByteRange("bytes=900-", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseByteRange("bytes=-10", 1000)).toEqual({ start: 990, end: 999 });
    expect(parseByteRange("bytes=-5000", 1000)).toEqual({ start: 0, end: 999 });
    expect(parseByteRange("bytes=990-5000", 1000)).toEqual({ start: 990, end: 999 });
  });

  it("parseByteRange: a start past the end is unsatisfiable; several ranges or other units are ignored", () => {
    expect(parseByteRange("bytes=1000-", 1000)).toBeNull();
    expect(parseByteRange("bytes=-0", 1000)).toBeNull();
    expect(parseByteRange("bytes=0-1,5-6", 1000)).toBe("ignore");
    expect(parseByteRange("items=0-1", 1000)).toBe("ignore");
    expect(parseByteRange("bytes=50-10", 1000)).toBe("ignore");
    expect(parseByteRange("bytes=-", 1000)).toBe("ignore");
  });

  it("etagMatches compares weakly over a list and honours *", () => {
    expect(etagMatches('"a", "blob-1"', ETAG)).toBe(true);
    expect(etagMatches('W/"blob-1"', ETAG)).toBe(true);
    expect(etagMatches("*", ETAG)).toBe(true);
    expect(etagMatches('"blob-2"', ETAG)).toBe(false);
    expect(etagMatches(null, ETAG)).toBe(false);
  });

  it("withRanges answers a range with 206 and the bytes asked for", async () => {
    const res = await withRanges(get({ Range: "bytes=100-199" }), blob());
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe("bytes 100-199/1000");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(BODY.subarray(100, 200));
  });

  it("withRanges: 416 past the end, 304 on a matching ETag, the whole body when If-Range names another", async () => {
    const beyond = await withRanges(get({ Range: "bytes=1000-" }), blob());
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe("bytes */1000");
    const cached = await withRanges(get({ "If-None-Match": ETAG, Range: "bytes=0-1" }), blob());
    expect(cached.status).toBe(304);
    expect(cached.body).toBeNull();
    const stale = await withRanges(get({ Range: "bytes=0-9", "If-Range": '"old"' }), blob());
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(1000);
  });

  it("withRanges states Accept-Ranges: none for a 200 without a strong ETag, and passes errors through", async () => {
    const mutable = await withRanges(get({ Range: "bytes=0-9" }), blob({}));
    expect(mutable.status).toBe(200);
    expect(mutable.headers.get("accept-ranges")).toBe("none");
    expect((await mutable.arrayBuffer()).byteLength).toBe(1000);
    const missing = await withRanges(get({ Range: "bytes=0-9" }), new Response("no", { status: 404 }));
    expect(missing.status).toBe(404);
  });
});

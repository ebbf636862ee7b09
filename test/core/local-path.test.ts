import { describe, expect, it } from "vitest";
import { localPath } from "../../lib/core/local-path";

describe("localPath (where the login sends the browser next)", () => {
  it("keeps same-origin paths with their query and hash", () => {
    expect(localPath("/admin")).toBe("/admin");
    expect(localPath("/runs/3/embeddings?layer=1#top")).toBe("/runs/3/embeddings?layer=1#top");
    expect(localPath("/pairs/3-5")).toBe("/pairs/3-5");
  });

  it("falls back to / for anything a browser would read as another site", () => {
    // As Next hands them over: the query string already percent-decoded.
    for (const next of [
      decodeURIComponent("/%09/evil.example"),
      "//evil.example",
      "/\\evil.example",
      "/\\/evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil.example",
      "/\u0000/evil.example",
      decodeURIComponent("/%0A%0Dset-cookie:x=1"),
      " /admin",
      "",
    ]) {
      expect(localPath(next), JSON.stringify(next)).toBe("/");
    }
  });

  it("normalises dot segments and percent-encodes what a Location header cannot carry", () => {
    expect(localPath("/a/../admin")).toBe("/admin");
    expect(localPath("/runs/ü?x=a b")).toBe("/runs/%C3%BC?x=a%20b");
  });

  it("uses the fallback given for a missing or repeated parameter", () => {
    expect(localPath(undefined, "/admin")).toBe("/admin");
    expect(localPath(["/admin", "//evil.example"])).toBe("/");
  });
});

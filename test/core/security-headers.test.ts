import { describe, expect, it } from "vitest";
import {
  createNonce,
  DATA_POLICY,
  pageNeedsWasm,
  pagePolicy,
  pathDecodes,
  STATIC_SECURITY_HEADERS,
} from "../../lib/core/security-headers";
import path from "node:path";
import { pathToFileURL } from "node:url";

function directive(policy: string, name: string): string | undefined {
  return policy
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.split(" ")[0] === name);
}

describe("security headers", () => {
  it("a page's scripts run only by this response's nonce: no 'unsafe-inline' or 'unsafe-eval' outside dev", () => {
    const nonce = createNonce();
    const policy = pagePolicy(nonce);
    expect(directive(policy, "script-src")).toBe(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(directive(pagePolicy(nonce, { dev: true }), "script-src")).toContain("'unsafe-eval'");
    expect(directive(policy, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(policy, "object-src")).toBe("object-src 'none'");
  });

  it("only /draw may compile WebAssembly ('wasm-unsafe-eval'), and that allows no JavaScript eval", () => {
    const nonce = createNonce();
    expect(directive(pagePolicy(nonce, { wasm: true }), "script-src")).toBe(
      `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'`,
    );
    expect(pageNeedsWasm("/draw")).toBe(true);
    expect(pageNeedsWasm("/draw/")).toBe(true);
    expect(pageNeedsWasm("/drawings")).toBe(false);
    expect(pageNeedsWasm("/runs/1")).toBe(false);
    expect(pageNeedsWasm("/api/runs/1/model/model.json")).toBe(false);
  });

  it("nonces are 16 random bytes in base64, different each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const n of nonces) expect(atob(n).length).toBe(16);
  });

  it("data answers load nothing and cannot be framed", () => {
    expect(directive(DATA_POLICY, "default-src")).toBe("default-src 'none'");
    expect(directive(DATA_POLICY, "frame-ancestors")).toBe("frame-ancestors 'none'");
  });

  it("next.config.js sends the same fixed headers as the proxy", async () => {
    // A computed specifier: next.config.js is plain JavaScript without type declarations.
    const config = pathToFileURL(path.resolve("next.config.js")).href;
    const mod = (await import(/* @vite-ignore */ config)) as { STATIC_SECURITY_HEADERS: unknown };
    expect(mod.STATIC_SECURITY_HEADERS).toEqual(STATIC_SECURITY_HEADERS);
  });

  it("pathDecodes accepts well-formed percent-encoding and rejects truncated or invalid UTF-8", () => {
    expect(pathDecodes("/runs/3/digits/12")).toBe(true);
    expect(pathDecodes("/pairs/%25")).toBe(true);
    expect(pathDecodes("/api/pairs/4-9%20/pixels")).toBe(true);
    expect(pathDecodes("/runs/%E0%A4%A")).toBe(false);
    expect(pathDecodes("/%")).toBe(false);
    expect(pathDecodes("/runs/%C0%AF")).toBe(false);
  });
});

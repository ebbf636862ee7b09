import { afterEach, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../../../lib/features/auth/password";
import { readFileSync } from "node:fs";
import path from "node:path";
import { clientAddress, isPeerHeaderTrusted, PEER_HEADER } from "../../../lib/features/auth/client-address";
import { createLoginLimiter } from "../../../lib/features/auth/rate-limit";
import { readEnv } from "../../../lib/env";
import { NextRequest, NextResponse } from "next/server";
import {
  SESSION_COOKIE,
  SESSION_TTL_MS,
  createSession,
  csrfMatches,
  findSession,
} from "../../../lib/features/auth/session";
import { clearedSessionCookieOptions, sessionCookieOptions } from "../../../lib/features/auth/session-cookie";
import { createTestDb, type TestDb } from "../../helpers/db";
import { onlySetCookie } from "../../helpers/set-cookie";

describe("the admin password", () => {
  it("verifies against its scrypt hash and rejects near misses", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored.hash.byteLength).toBe(32);
    await expect(verifyPassword("correct horse battery", stored)).resolves.toBe(true);
    await expect(verifyPassword("correct horse batterY", stored)).resolves.toBe(false);
    await expect(verifyPassword("", stored)).resolves.toBe(false);
    await expect(verifyPassword("correct horse battery" + "x".repeat(2000), stored)).resolves.toBe(false);
  });

  it("hashes with a fresh salt each time, so equal passwords do not give equal hashes", async () => {
    const [a, b] = await Promise.all([hashPassword("same password!"), hashPassword("same password!")]);
    expect(a.salt.equals(b.salt)).toBe(false);
    expect(a.hash.equals(b.hash)).toBe(false);
  });
});

describe("the login limiter", () => {
  it("lets an address make its free failures, then doubles its wait with each further one, up to the cap", () => {
    const limiter = createLoginLimiter({ freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000 });
    for (const t of [0, 10, 20]) {
      expect(limiter.retryAfterMs("192.0.2.1", t)).toBe(0);
      limiter.recordFailure("192.0.2.1", t);
    }
    expect(limiter.retryAfterMs("192.0.2.1", 30)).toBe(0);
    const waits: number[] = [];
    let t = 30;
    for (let i = 0; i < 6; i++) {
      limiter.recordFailure("192.0.2.1", t);
      waits.push(limiter.retryAfterMs("192.0.2.1", t));
      t += waits.at(-1)!;
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(limiter.retryAfterMs("192.0.2.1", t - 1)).toBe(1);
  });

  it("never makes a clean address wait, however many failures other addresses made", () => {
    const limiter = createLoginLimiter();
    for (let i = 0; i < 100; i++) limiter.recordFailure("198.51.100.9", i);
    expect(limiter.retryAfterMs("198.51.100.9", 100)).toBeGreaterThan(0);
    expect(limiter.retryAfterMs("203.0.113.7", 100)).toBe(0);
    expect(limiter.failures("203.0.113.7", 100)).toBe(0);
  });

  it("forgets an address's failures after a success, or once forgetAfterMs passed since its last one", () => {
    const limiter = createLoginLimiter({ freeFailures: 0, forgetAfterMs: 60 * 60_000 });
    limiter.recordFailure("a", 0);
    expect(limiter.retryAfterMs("a", 1)).toBeGreaterThan(0);
    limiter.recordSuccess("a");
    expect(limiter.retryAfterMs("a", 1)).toBe(0);
    limiter.recordFailure("b", 0);
    limiter.recordFailure("b", 5);
    expect(limiter.failures("b", 60 * 60_000)).toBe(2);
    expect(limiter.failures("b", 60 * 60_000 + 5)).toBe(0);
  });

  it("remembers at most maxAddresses addresses, forgetting the longest quiet first", () => {
    const limiter = createLoginLimiter({ maxAddresses: 2 });
    limiter.recordFailure("a", 0);
    limiter.recordFailure("b", 1);
    limiter.recordFailure("a", 2);
    limiter.recordFailure("c", 3);
    expect([limiter.failures("a", 4), limiter.failures("b", 4), limiter.failures("c", 4)]).toEqual([2, 0, 1]);
  });

  it("rejects nonsensical options with the bad value in the message", () => {
    expect(() => createLoginLimiter({ freeFailures: -1 })).toThrow("freeFailures must be an integer in 0..100, got -1");
    expect(() => createLoginLimiter({ baseDelayMs: -5 })).toThrow("baseDelayMs must be positive, got -5");
    expect(() => createLoginLimiter({ maxDelayMs: 10 })).toThrow(
      "maxDelayMs must be at least baseDelayMs (1000), got 10",
    );
  });
});

describe("the client address", () => {
  const xff = (value: string) => new Headers({ "x-forwarded-for": value });

  it("is the one unknown address, whatever X-Forwarded-For says, when no proxy is trusted", () => {
    expect(clientAddress(xff("203.0.113.7"), [])).toEqual({ address: "unknown", identified: false });
    expect(clientAddress(new Headers(), [])).toEqual({ address: "unknown", identified: false });
  });

  it("is the address the trusted proxy appended, not what the client put before it", () => {
    const proxies = ["127.0.0.1", "10.0.0.2"];
    expect(clientAddress(xff("203.0.113.7"), proxies)).toEqual({ address: "203.0.113.7", identified: true });
    expect(clientAddress(xff("1.2.3.4, 203.0.113.7"), proxies).address).toBe("203.0.113.7");
    expect(clientAddress(xff("1.2.3.4, 203.0.113.7, 10.0.0.2"), proxies).address).toBe("203.0.113.7");
    expect(clientAddress(xff("::ffff:198.51.100.3"), proxies).address).toBe("198.51.100.3");
    expect(clientAddress(xff("2001:DB8::1"), proxies).address).toBe("2001:db8::1");
    // A request from the proxy itself (every hop trusted) is the proxy's.
    expect(clientAddress(xff("127.0.0.1"), proxies)).toEqual({ address: "127.0.0.1", identified: true });
  });

  it("falls back to unknown when the nearest untrusted entry is not an address", () => {
    expect(clientAddress(xff("1.2.3.4, not-an-ip"), ["127.0.0.1"]).identified).toBe(false);
    expect(clientAddress(new Headers(), ["127.0.0.1"]).identified).toBe(false);
  });

  it("believes the peer header only in a process our server marked: under plain next start it is the client's to send", () => {
    expect(isPeerHeaderTrusted()).toBe(false);
    const forged = new Headers({ [PEER_HEADER]: "192.0.2.9" });
    expect(clientAddress(forged, [])).toEqual({ address: "unknown", identified: false });
    expect(clientAddress(forged, [], false)).toEqual({ address: "unknown", identified: false });
    expect(
      clientAddress(new Headers({ [PEER_HEADER]: "192.0.2.9", "x-forwarded-for": "192.0.2.9" }), []).identified,
    ).toBe(false);
  });

  it("is the socket's address from our server, whatever X-Forwarded-For says, when the peer is not a trusted proxy", () => {
    const peer = (address: string, forwardedFor?: string) =>
      new Headers({ [PEER_HEADER]: address, ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) });
    expect(clientAddress(peer("127.0.0.2"), [], true)).toEqual({ address: "127.0.0.2", identified: true });
    expect(clientAddress(peer("127.0.0.2", "198.51.100.7"), [], true).address).toBe("127.0.0.2");
    expect(clientAddress(peer("::ffff:127.0.0.2", "198.51.100.7"), ["10.0.0.2"], true).address).toBe("127.0.0.2");
    expect(clientAddress(peer("::1"), ["10.0.0.2"], true)).toEqual({ address: "::1", identified: true });
    // Our server always sets it; no usable value means no known address, never one the client chose.
    expect(clientAddress(new Headers({ "x-forwarded-for": "198.51.100.7" }), [], true).identified).toBe(false);
    expect(clientAddress(peer("not-an-ip", "198.51.100.7"), ["127.0.0.1"], true).identified).toBe(false);
  });

  it("walks X-Forwarded-For only when the socket's peer is a trusted proxy, and is that proxy when it names no one", () => {
    const proxies = ["127.0.0.1", "10.0.0.2"];
    const via = (address: string, forwardedFor?: string) =>
      new Headers({ [PEER_HEADER]: address, ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) });
    expect(clientAddress(via("127.0.0.1", "203.0.113.7"), proxies, true)).toEqual({
      address: "203.0.113.7",
      identified: true,
    });
    expect(clientAddress(via("127.0.0.1", "1.2.3.4, 203.0.113.7, 10.0.0.2"), proxies, true).address).toBe(
      "203.0.113.7",
    );
    expect(clientAddress(via("127.0.0.1"), proxies, true)).toEqual({ address: "127.0.0.1", identified: true });
    expect(clientAddress(via("127.0.0.1", "10.0.0.2"), proxies, true).address).toBe("10.0.0.2");
    expect(clientAddress(via("127.0.0.1", "1.2.3.4, garbage"), proxies, true).identified).toBe(false);
  });

  it("reads TRUSTED_PROXIES from the environment as a list, naming the variable when it is not one", () => {
    expect(readEnv({ NODE_ENV: "test", TRUSTED_PROXIES: " 127.0.0.1, ::1 " }).TRUSTED_PROXIES).toEqual([
      "127.0.0.1",
      "::1",
    ]);
    expect(readEnv({ NODE_ENV: "test" }).TRUSTED_PROXIES).toEqual([]);
    expect(() => readEnv({ NODE_ENV: "test", TRUSTED_PROXIES: "proxy.example" })).toThrow(
      /TRUSTED_PROXIES: must be comma-separated IP/,
    );
  });

  it("is taken from the socket by Next only when the request has no X-Forwarded-For (why a header alone is not trusted)", () => {
    const source = readFileSync(path.resolve("node_modules/next/dist/server/base-server.js"), "utf8");
    expect(source).toMatch(/req\.headers\['x-forwarded-for'\] \?\?=/);
  });
});

describe("admin sessions", () => {
  let db: TestDb | undefined;
  afterEach(async () => db?.cleanup());

  it("store only the token's hash, expire after the TTL and carry their own CSRF token", async () => {
    db = createTestDb();
    const now = new Date("2026-01-01T00:00:00Z");
    const { token, session } = await createSession(db, now);
    const row = await db.prisma.session.findFirstOrThrow();
    expect(row.id).not.toContain(token);
    expect(row.id).toMatch(/^[0-9a-f]{64}$/);
    await expect(findSession(db, token, new Date(now.getTime() + SESSION_TTL_MS - 1))).resolves.toMatchObject({
      id: session.id,
    });
    await expect(findSession(db, token, new Date(now.getTime() + SESSION_TTL_MS))).resolves.toBeNull();
    // One changed character (one that differs from the last: a 32-byte base64url token ends in A one time in 16).
    await expect(findSession(db, token.slice(0, -1) + (token.endsWith("A") ? "E" : "A"), now)).resolves.toBeNull();
    expect(csrfMatches(session, session.csrfToken)).toBe(true);
    expect(csrfMatches(session, session.csrfToken.slice(1))).toBe(false);
    expect(csrfMatches(session, null)).toBe(false);
  });

  it("are set as HttpOnly, SameSite=Strict cookies with an expiry", () => {
    // Written as cookies() writes them in a route handler: Next's ResponseCookies.
    const written = (options: ReturnType<typeof sessionCookieOptions>, value = "abc") => {
      const res = new NextResponse(null);
      res.cookies.set(SESSION_COOKIE, value, options);
      return onlySetCookie(res);
    };
    const expires = new Date(Date.now() + 3600_000);
    const cookie = written(sessionCookieOptions(expires, false));
    expect([cookie.name, cookie.value]).toEqual(["mnist_lens_admin", "abc"]);
    expect(cookie.attributes.get("path")).toBe("/");
    expect(cookie.attributes.get("httponly")).toBe("");
    expect(cookie.attributes.get("samesite")?.toLowerCase()).toBe("strict");
    expect(cookie.attributes.get("max-age")).toMatch(/^(3599|3600)$/);
    expect(Math.abs(Date.parse(cookie.attributes.get("expires")!) - expires.getTime())).toBeLessThanOrEqual(2000);
    expect(cookie.attributes.has("secure")).toBe(false);
    expect(written(sessionCookieOptions(expires, true)).attributes.get("secure")).toBe("");
    const cleared = written(clearedSessionCookieOptions(true), "");
    expect(cleared.value).toBe("");
    expect(cleared.attributes.get("max-age")).toBe("0");
    expect(Date.parse(cleared.attributes.get("expires")!)).toBe(0);
    expect([
      cleared.attributes.get("path"),
      cleared.attributes.get("httponly"),
      cleared.attributes.get("samesite")?.toLowerCase(),
      cleared.attributes.get("secure"),
    ]).toEqual(["/", "", "strict", ""]);
    // Read back as cookies() reads the request's Cookie header.
    const request = new NextRequest("http://localhost/", { headers: { cookie: "a=1; mnist_lens_admin=xyz; b=2" } });
    expect(request.cookies.get(SESSION_COOKIE)?.value).toBe("xyz");
  });
});

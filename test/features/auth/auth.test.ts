import { afterEach, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../../../lib/features/auth/password";
import { createLoginLimiter } from "../../../lib/features/auth/rate-limit";
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
  it("allows maxFailures wrong passwords per window, then refuses until the oldest leaves the window", () => {
    const limiter = createLoginLimiter({ maxFailures: 3, windowMs: 60_000 });
    for (const t of [0, 1000, 2000]) {
      expect(limiter.retryAfterMs(t)).toBe(0);
      limiter.recordFailure(t);
    }
    expect(limiter.retryAfterMs(2500)).toBe(57_500);
    expect(limiter.retryAfterMs(60_000)).toBe(0);
  });

  it("forgets failures after a successful login", () => {
    const limiter = createLoginLimiter({ maxFailures: 1 });
    limiter.recordFailure(0);
    expect(limiter.retryAfterMs(1)).toBeGreaterThan(0);
    limiter.reset();
    expect(limiter.retryAfterMs(1)).toBe(0);
  });

  it("rejects nonsensical options with the bad value in the message", () => {
    expect(() => createLoginLimiter({ maxFailures: 0 })).toThrow("maxFailures must be an integer in 1..1000, got 0");
    expect(() => createLoginLimiter({ windowMs: -5 })).toThrow("windowMs must be positive, got -5");
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

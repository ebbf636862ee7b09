import Database from "better-sqlite3";
import type { Browser, BrowserContext, Response as PageResponse } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, waitForClientLayout } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { seedTwoRuns } from "../helpers/seed-runs";

const PASSWORD = "security-admin-password-89";

/** What every response must carry, page or not. */
function expectSecurityHeaders(headers: Record<string, string>, what: string): void {
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["x-frame-options"], what).toBe("DENY");
  expect(headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
}

function headersOf(res: Response): Record<string, string> {
  return Object.fromEntries(res.headers.entries());
}

/** Security headers, a CSP that every page kind satisfies, and the malformed-path, blob and busy answers. */
/** The busy timeout the test servers run with: long enough for any real write, short enough to wait out three times. */
const BUSY_MS = 3000;

describe("security headers and HTTP edge cases", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;
  let admin: BrowserContext;
  let runA: number;
  let runB: number;
  let cookie: string;
  let csrfToken: string;

  beforeAll(async () => {
    db = createTestDb();
    ({ runA, runB } = await seedTwoRuns(db));
    [server, browser] = await Promise.all([
      startAppServer(db.file, { ADMIN_PASSWORD: PASSWORD, DATABASE_BUSY_TIMEOUT_MS: String(BUSY_MS) }),
      launchBrowser(),
    ]);
    const login = await fetch(`${server.url}/api/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    csrfToken = ((await login.json()) as { csrfToken: string }).csrfToken;
    const [name, ...value] = cookie.split("=");
    admin = await browser.newContext();
    await admin.addCookies([{ name: name!, value: value.join("="), url: server.url }]);
    // Every page of this context records the CSP violations it sees, from the first script on.
    await admin.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
      document.addEventListener("securitypolicyviolation", (e) =>
        seen.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`),
      );
    });
  });
  afterAll(async () => {
    await admin?.close();
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  it("every page kind loads, hydrates and draws with no CSP violation, its scripts carrying the response's nonce", async () => {
    const pages: Array<[string, number]> = [
      ["/", 200],
      [`/runs/${runA}`, 200],
      [`/runs/${runA}/confusion`, 200],
      [`/runs/${runA}/errors`, 200],
      [`/runs/${runA}/digits/0`, 200],
      [`/runs/${runA}/embeddings`, 200],
      ["/pairs", 200],
      [`/pairs/4-9?run=${runA}`, 200],
      [`/compare?runs=${runA},${runB}`, 200],
      [`/labels?source=consensus&runs=${runA},${runB}`, 200],
      [`/runs/${runA}/labels`, 200],
      ["/login", 200],
      ["/admin", 200],
      ["/runs/999999", 404],
      ["/no-such-page", 404],
    ];
    for (const [path, status] of pages) {
      const page = await admin.newPage();
      const console: string[] = [];
      page.on("console", (m) => {
        if (/content security policy/i.test(m.text())) console.push(m.text());
      });
      const response = (await page.goto(server.url + path)) as PageResponse;
      expect(response.status(), path).toBe(status);
      const headers = response.headers();
      expectSecurityHeaders(headers, path);
      const policy = headers["content-security-policy"] ?? "";
      const scriptSrc = policy.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
      expect(scriptSrc, path).not.toContain("unsafe-inline");
      expect(scriptSrc, path).not.toContain("unsafe-eval");
      expect(policy, path).toContain("frame-ancestors 'none'");
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
      expect(nonce, path).toBeTruthy();
      await page.waitForLoadState("networkidle");
      if (status === 200) await waitForClientLayout(page);
      const state = await page.evaluate(() => ({
        violations: (window as unknown as { __cspViolations: string[] }).__cspViolations,
        scripts: Array.from(document.scripts).map((s) => s.nonce),
        // Set by Next's inline scripts: undefined if the policy had blocked them.
        flight: Array.isArray((self as unknown as { __next_f?: unknown[] }).__next_f),
      }));
      expect(state.violations, path).toEqual([]);
      expect(console, path).toEqual([]);
      expect(state.flight, path).toBe(true);
      expect(state.scripts.length, path).toBeGreaterThan(0);
      // Scripts without a nonce would have been blocked and reported above; those with one carry this response's.
      expect(new Set(state.scripts.filter(Boolean)), path).toEqual(new Set([nonce]));
      await page.close();
    }
    // The explorer drew its canvas and the pixel galleries loaded: fetches allowed by connect-src 'self'.
    const explorer = await admin.newPage();
    await explorer.goto(`${server.url}/runs/${runA}/embeddings`);
    await explorer.waitForSelector("canvas");
    await waitForClientLayout(explorer);
    expect(await explorer.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual(
      [],
    );
    await explorer.close();
  });

  it("APIs, static files and error answers carry the security headers and a policy that loads nothing", async () => {
    const html = await (await fetch(server.url + "/")).text();
    const asset = /\/_next\/static\/[^"]+\.js/.exec(html)![0];
    for (const path of [`/api/runs/${runA}/digits`, "/api/admin/jobs", asset, "/api/runs/x/digits"]) {
      const res = await fetch(server.url + path);
      expectSecurityHeaders(headersOf(res), path);
      if (path.startsWith("/api/"))
        expect(res.headers.get("content-security-policy"), path).toMatch(/default-src 'none'/);
      await res.arrayBuffer();
    }
  });

  it("malformed percent-encoding in any dynamic segment answers 400, and the pair segment is decoded once", async () => {
    const paths = [
      "/runs/%E0%A4%A",
      `/runs/${runA}/digits/%E0%A4%A`,
      "/pairs/%E0%A4%A",
      "/api/runs/%E0%A4%A/digits",
      "/api/runs/%E0%A4%A/projections?subset=test",
      "/api/pairs/%E0%A4%A/pixels",
      "/api/admin/jobs/%E0%A4%A/cancel",
      "/%",
    ];
    for (const path of paths) {
      const res = await fetch(server.url + path, { method: path.endsWith("/cancel") ? "POST" : "GET" });
      expect(res.status, path).toBe(400);
      expect(await res.json(), path).toMatchObject({ field: "path" });
    }
    for (const path of ["/api/pairs/%25/pixels", "/pairs/%25", "/api/pairs/%2525/pixels"]) {
      const res = await fetch(server.url + path);
      expect(res.status, path).toBe(404);
      await res.arrayBuffer();
    }
  });

  it("a missing run among the compared ones is a 404 that names it", async () => {
    const res = await fetch(`${server.url}/api/compare/pixels?runs=${runA},999999999`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe("no run 999999999");
  });

  it("400 answers are JSON naming the field and the rule, never echoing what was sent", async () => {
    const marker = "<script>alert(1)</script>";
    const cases: Array<[string, string]> = [
      [`/api/runs/${runA}/digits?set=${encodeURIComponent(marker)}`, "set"],
      [`/api/compare/pixels?runs=${encodeURIComponent(marker)}`, "runs"],
      [`/api/compare/pixels?runs=${runA}`, "runs"],
      [`/api/runs/${runA}/neighbours?subset=${encodeURIComponent(marker)}&layer=0&epoch=1&row=0`, "subset"],
      [`/api/pairs/4-9/pixels?run=${encodeURIComponent(marker)}`, "run"],
    ];
    for (const [path, field] of cases) {
      const res = await fetch(server.url + path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type"), path).toMatch(/^application\/json/);
      const text = await res.text();
      expect(text, path).not.toContain("script");
      expect(JSON.parse(text), path).toMatchObject({ field });
    }
  });

  it("every blob route answers a Range with 206 and Content-Range, and If-None-Match with 304", async () => {
    const projection = db.sqlite
      .prepare(
        "SELECT layerIndex, method, epoch, iteration FROM Projection WHERE runId = ? AND subset = 'test' LIMIT 1",
      )
      .get(runA) as { layerIndex: number; method: string; epoch: number; iteration: number };
    const blobs = [
      `/api/runs/${runA}/projections?subset=test&layer=${projection.layerIndex}&method=${projection.method}&epoch=${projection.epoch}&iteration=${projection.iteration}`,
      `/api/runs/${runA}/projections/pixels?subset=test`,
      `/api/runs/${runA}/digits`,
      `/api/pairs/4-9/pixels?run=${runA}`,
      `/api/compare/pixels?runs=${runA},${runB}`,
    ];
    for (const path of blobs) {
      const full = await fetch(server.url + path);
      expect(full.status, path).toBe(200);
      expect(full.headers.get("accept-ranges"), path).toBe("bytes");
      const etag = full.headers.get("etag")!;
      expect(etag, path).toMatch(/^"[^"]+"$/);
      const body = new Uint8Array(await full.arrayBuffer());
      expect(body.length, path).toBeGreaterThan(100);

      const part = await fetch(server.url + path, { headers: { Range: "bytes=10-99" } });
      expect(part.status, path).toBe(206);
      expect(part.headers.get("content-range"), path).toBe(`bytes 10-99/${body.length}`);
      expect(new Uint8Array(await part.arrayBuffer()), path).toEqual(body.subarray(10, 100));

      const tail = await fetch(server.url + path, { headers: { Range: "bytes=-16" } });
      expect(tail.status, path).toBe(206);
      expect(new Uint8Array(await tail.arrayBuffer()), path).toEqual(body.subarray(body.length - 16));

      const beyond = await fetch(server.url + path, { headers: { Range: `bytes=${body.length}-` } });
      expect(beyond.status, path).toBe(416);
      expect(beyond.headers.get("content-range"), path).toBe(`bytes */${body.length}`);
      await beyond.arrayBuffer();

      const cached = await fetch(server.url + path, { headers: { "If-None-Match": etag } });
      expect(cached.status, path).toBe(304);
      expect(cached.headers.get("etag"), path).toBe(etag);
    }
  });

  it("an admin write that waits out the busy timeout behind another writer answers 503 with Retry-After", async () => {
    // Another process's write lock: reads go on (WAL), the job's insert waits out the busy timeout.
    const locker = new Database(db.file);
    try {
      locker.exec("BEGIN IMMEDIATE; UPDATE Run SET notes = notes WHERE id = 0;");
      const before = db.sqlite.prepare("SELECT count(*) AS n FROM Job").get();
      const write = await fetch(`${server.url}/api/admin/jobs`, {
        method: "POST",
        headers: { "Content-Type": "application/json", cookie, "x-csrf-token": csrfToken },
        body: JSON.stringify({ hidden: "16", epochs: 1, trainSize: 1000, testSize: 500, probeSize: 50 }),
      });
      expect(write.status).toBe(503);
      expect(Number(write.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await write.json()) as { error: string }).error).toMatch(/busy/);
      locker.exec("COMMIT");
      expect(db.sqlite.prepare("SELECT count(*) AS n FROM Job").get()).toEqual(before);
    } finally {
      if (locker.inTransaction) locker.exec("ROLLBACK");
      locker.close();
    }
  });

  it("a database that cannot be read past the busy timeout makes pages answer 503 with Retry-After, not 500", async () => {
    // A WAL reader waits for nobody once the server has the file open, so the lock is taken first: another process
    // holding the file in exclusive locking mode (a maintenance tool, a copy in progress) when the server starts.
    const locked = createTestDb();
    await locked.close();
    const locker = new Database(locked.file);
    let lockedServer: AppServer | undefined;
    try {
      locker.pragma("locking_mode = EXCLUSIVE");
      locker.exec("BEGIN EXCLUSIVE; UPDATE Run SET notes = notes WHERE id = 0;");
      // Its readiness check already waits out the busy timeout once, and is answered 503.
      lockedServer = await startAppServer(
        locked.file,
        { DATABASE_BUSY_TIMEOUT_MS: String(BUSY_MS) },
        (status) => status === 503,
      );
      const page = await fetch(lockedServer.url + "/runs/1");
      expect(page.status).toBe(503);
      expect(Number(page.headers.get("retry-after"))).toBeGreaterThan(0);
      expectSecurityHeaders(headersOf(page), "busy page");
      expect(await page.text()).toContain("The database is busy");
      locker.exec("COMMIT");
      locker.pragma("locking_mode = NORMAL");
      locker.prepare("SELECT count(*) FROM Run").get();
      locker.close();
      // Once the lock is gone the same page answers (404: the database has no run 1).
      expect((await fetch(lockedServer.url + "/runs/1")).status).toBe(404);
    } finally {
      if (locker.open) locker.close();
      await lockedServer?.stop();
      await locked.cleanup();
    }
  });
});

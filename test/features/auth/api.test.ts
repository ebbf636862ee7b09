import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../helpers/db";
import { startAppServer, type AppServer } from "../../helpers/server";
import { onlySetCookie } from "../../helpers/set-cookie";

const PASSWORD = "test-admin-password-0123";

interface Login {
  cookie: string;
  csrfToken: string;
}

describe("the admin API", () => {
  let db: TestDb;
  let server: AppServer;
  let disabledDb: TestDb;
  let disabledServer: AppServer;
  let admin: Login;

  async function login(password: string): Promise<Response> {
    return fetch(`${server.url}/api/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ password }),
    });
  }

  async function loginOk(): Promise<Login> {
    const res = await login(PASSWORD);
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    return { cookie, csrfToken: ((await res.json()) as { csrfToken: string }).csrfToken };
  }

  function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  const asAdmin = (who: Login = admin) => ({ cookie: who.cookie, "x-csrf-token": who.csrfToken });

  /** Every row of the tables the admin API writes, to prove a request changed nothing. */
  async function snapshot(): Promise<string> {
    const [jobs, sessions, runs] = await Promise.all([
      db.prisma.job.findMany(),
      db.prisma.session.findMany(),
      db.prisma.run.findMany({ omit: { probeIndices: true } }),
    ]);
    return JSON.stringify({ jobs, sessions, runs });
  }

  beforeAll(async () => {
    db = createTestDb();
    disabledDb = createTestDb();
    [server, disabledServer] = await Promise.all([
      startAppServer(db.file, { ADMIN_PASSWORD: PASSWORD }),
      startAppServer(disabledDb.file),
    ]);
    admin = await loginOk();
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), disabledServer?.stop()]);
    await Promise.all([db?.cleanup(), disabledDb?.cleanup()]);
  });

  it("sets an HttpOnly, SameSite=Strict session cookie with an expiry on login", async () => {
    const res = await login(PASSWORD);
    expect(res.status).toBe(200);
    const { name, value, attributes } = onlySetCookie(res);
    expect(name).toBe("mnist_lens_admin");
    expect(value).toMatch(/^[\w-]{43}$/);
    expect(attributes.get("path")).toBe("/");
    expect(attributes.get("httponly")).toBe("");
    expect(attributes.get("samesite")?.toLowerCase()).toBe("strict");
    expect(attributes.get("max-age")).toMatch(/^(28799|28800)$/);
    expect(Date.parse(attributes.get("expires") ?? "")).toBeGreaterThan(Date.now() + 28_700_000);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 401 to every admin API without a session, and sends pages to the login", async () => {
    const calls = [
      fetch(`${server.url}/api/admin/jobs`),
      post("/api/admin/jobs", { epochs: 1 }),
      post("/api/admin/jobs/1/cancel", {}),
      post("/api/admin/jobs/1/retry", {}),
      post("/api/admin/logout", {}),
      fetch(`${server.url}/api/admin/jobs`, { headers: { cookie: "mnist_lens_admin=forged-token" } }),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(/login required/);
    }
    const page = await fetch(`${server.url}/admin`, { redirect: "manual" });
    expect([303, 307]).toContain(page.status);
    expect(page.headers.get("location")).toMatch(/\/login\?next=%2Fadmin$/);
    expect(await db.prisma.job.count()).toBe(0);
  });

  it("answers 403 to a POST with a session but a missing, wrong or cross-site CSRF token, and changes nothing", async () => {
    const before = await snapshot();
    const attempts = [
      post("/api/admin/jobs", { epochs: 1 }, { cookie: admin.cookie }),
      post(
        "/api/admin/jobs",
        { epochs: 1 },
        { cookie: admin.cookie, "x-csrf-token": admin.csrfToken.replace(/^./, (c) => (c === "A" ? "B" : "A")) },
      ),
      post("/api/admin/jobs", { epochs: 1 }, { cookie: admin.cookie, "x-csrf-token": "" }),
      post("/api/admin/jobs", { epochs: 1 }, { ...asAdmin(), "sec-fetch-site": "cross-site" }),
      post("/api/admin/logout", {}, { cookie: admin.cookie }),
      post("/api/admin/jobs/1/cancel", {}, { cookie: admin.cookie }),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(403);
    // Another session's token is wrong for this one.
    const other = await loginOk();
    const mixed = await post(
      "/api/admin/jobs",
      { epochs: 1 },
      { cookie: admin.cookie, "x-csrf-token": other.csrfToken },
    );
    expect(mixed.status).toBe(403);
    const after = JSON.parse(await snapshot()) as { jobs: unknown[] };
    expect(after.jobs).toEqual(JSON.parse(before).jobs);
  });

  it("rejects invalid parameters with 400 and field errors, and queues nothing", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ epochs: -1 }, "epochs"],
      [{ batchSize: 0 }, "batchSize"],
      [{ optimizer: "lbfgs" }, "optimizer"],
      [{ validationSplit: 1.5 }, "validationSplit"],
      [{ learningRate: "fast" }, "learningRate"],
      [{ hidden: "512,0" }, "hidden"],
      [{ testSize: 500, probeSize: 600 }, "probeSize"],
    ];
    for (const [body, field] of cases) {
      const res = await post("/api/admin/jobs", body, asAdmin());
      expect(res.status, JSON.stringify(body)).toBe(400);
      const answer = (await res.json()) as { fieldErrors: Record<string, string[]> };
      expect(Object.keys(answer.fieldErrors)).toEqual([field]);
      expect(answer.fieldErrors[field]![0]!.length).toBeGreaterThan(0);
    }
    const notJson = await post("/api/admin/jobs", "{epochs: 1", asAdmin());
    expect(notJson.status).toBe(400);
    const unknownField = await post("/api/admin/jobs", { epochs: 1, rm: "-rf" }, asAdmin());
    expect(unknownField.status).toBe(400);
    expect(((await unknownField.json()) as { formErrors: string[] }).formErrors.join()).toMatch(/rm/);
    expect(await db.prisma.job.count()).toBe(0);
  });

  it("refuses a 10 MB body without reading it all (400) and queues nothing", async () => {
    const huge = JSON.stringify({ name: "x".repeat(10 * 1024 * 1024) });
    const res = await post("/api/admin/jobs", huge, asAdmin());
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("request body exceeds 64 KiB");
    // Without Content-Length (a chunked stream), the limit holds too.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const chunk = new TextEncoder().encode("x".repeat(1024 * 1024));
        for (let i = 0; i < 10; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const chunked = await fetch(`${server.url}/api/admin/jobs`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...asAdmin() },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(400);
    const wrongType = await post("/api/admin/jobs", "epochs=1", {
      ...asAdmin(),
      "Content-Type": "application/x-www-form-urlencoded",
    });
    expect(wrongType.status).toBe(415);
    expect(await db.prisma.job.count()).toBe(0);
  });

  it("queues a valid job (201), lists it, cancels it while queued and retries it", async () => {
    const res = await post(
      "/api/admin/jobs",
      { hidden: "32", epochs: 1, trainSize: 1000, testSize: 500, probeSize: 50, name: "api job" },
      asAdmin(),
    );
    expect(res.status).toBe(201);
    const { jobId } = (await res.json()) as { jobId: number };
    const list = (await (
      await fetch(`${server.url}/api/admin/jobs`, { headers: { cookie: admin.cookie } })
    ).json()) as { jobs: Array<Record<string, unknown>> };
    expect(list.jobs[0]).toMatchObject({ id: jobId, status: "queued", name: "api job", epochs: 1, run: null });
    expect(list.jobs[0]!.queuedBy).toMatch(/^admin \(session [0-9a-f]{8}\)$/);

    expect((await post(`/api/admin/jobs/${jobId}/retry`, {}, asAdmin())).status).toBe(409);
    expect((await post(`/api/admin/jobs/${jobId}/cancel`, {}, asAdmin())).status).toBe(200);
    expect((await post(`/api/admin/jobs/${jobId}/cancel`, {}, asAdmin())).status).toBe(409);
    const retry = await post(`/api/admin/jobs/${jobId}/retry`, {}, asAdmin());
    expect(retry.status).toBe(201);
    const copy = await db.prisma.job.findUniqueOrThrow({
      where: { id: ((await retry.json()) as { jobId: number }).jobId },
    });
    expect(copy).toMatchObject({ status: "queued", retryOfId: jobId });
    expect((await post("/api/admin/jobs/999/cancel", {}, asAdmin())).status).toBe(404);
    expect((await post("/api/admin/jobs/1e3/cancel", {}, asAdmin())).status).toBe(404);
    await post(`/api/admin/jobs/${copy.id}/cancel`, {}, asAdmin());
  });

  it("never changes anything on GET (POST-only routes answer 405)", async () => {
    const before = await snapshot();
    const { id } = await db.prisma.job.findFirstOrThrow();
    for (const path of ["/api/admin/jobs", "/admin", "/login", "/"]) {
      expect((await fetch(`${server.url}${path}`, { headers: { cookie: admin.cookie } })).status, path).toBe(200);
    }
    for (const path of [
      `/api/admin/jobs/${id}/cancel`,
      `/api/admin/jobs/${id}/retry`,
      "/api/admin/logout",
      "/api/admin/login",
    ]) {
      const res = await fetch(`${server.url}${path}?password=${PASSWORD}`, {
        headers: { cookie: admin.cookie, "x-csrf-token": admin.csrfToken },
      });
      expect(res.status, path).toBe(405);
    }
    expect(await snapshot()).toBe(before);
  });

  it("logs out: the session is deleted and its cookie cleared", async () => {
    const session = await loginOk();
    const res = await post("/api/admin/logout", {}, asAdmin(session));
    expect(res.status).toBe(200);
    const { name, value, attributes } = onlySetCookie(res);
    expect(name).toBe("mnist_lens_admin");
    expect(value).toBe("");
    expect(attributes.get("path")).toBe("/");
    expect(attributes.get("httponly")).toBe("");
    expect(attributes.get("samesite")?.toLowerCase()).toBe("strict");
    expect(attributes.get("max-age")).toBe("0");
    expect((await fetch(`${server.url}/api/admin/jobs`, { headers: { cookie: session.cookie } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/admin/jobs`, { headers: { cookie: admin.cookie } })).status).toBe(200);
  });

  it("is disabled (503, and the login page says why) when ADMIN_PASSWORD is not set", async () => {
    const res = await fetch(`${disabledServer.url}/api/admin/jobs`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("3600");
    expect(((await res.json()) as { error: string }).error).toMatch(/set ADMIN_PASSWORD/);
    const loginRes = await fetch(`${disabledServer.url}/api/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ password: "anything at all" }),
    });
    expect(loginRes.status).toBe(503);
    expect(loginRes.headers.get("retry-after")).toBe("3600");
    const page = await fetch(`${disabledServer.url}/admin`, { redirect: "follow" });
    expect(await page.text()).toContain("the admin page is disabled");
  });

  // Last: the limiter is per server process and would lock the other tests out.
  it("answers 401 to a wrong password and 429 after 5 wrong tries, even to the right password", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await login(`wrong-password-${i}`);
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    const limited = await login("wrong-password-5");
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(250);
    expect(retryAfter).toBeLessThanOrEqual(300);
    const right = await login(PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers.get("set-cookie")).toBeNull();
  });
});

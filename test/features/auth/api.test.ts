import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../helpers/db";
import { startAppServer, type AppServer } from "../../helpers/server";
import { onlySetCookie } from "../../helpers/set-cookie";
import { insertRun } from "../../db/run-fixture";

const PASSWORD = "test-admin-password-0123";

interface Answer {
  status: number;
  retryAfter: string | undefined;
  setCookie: string[] | undefined;
}

/**
 * POSTs a login over a fresh socket bound to `localAddress` (Linux routes all of 127.0.0.0/8 to lo), so the server sees
 * a different peer for each loopback address.
 */
function loginFrom(
  url: string,
  localAddress: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const body = JSON.stringify({ password });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/api/admin/login`,
      {
        method: "POST",
        localAddress,
        agent: false,
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers["retry-after"],
            setCookie: res.headers["set-cookie"],
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Wrong passwords from `localAddress` until the limiter refuses it (at most 10): the answers' statuses in order. */
async function guessUntilRefused(url: string, localAddress: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < 10; i++) {
    const answer = await loginFrom(url, localAddress, `wrong-password-${i}`);
    answers.push(answer);
    if (answer.status !== 401) break;
  }
  return answers;
}

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

  async function login(password: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${server.url}/api/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
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
      post("/api/admin/jobs/1/delete", {}),
      post("/api/admin/runs/1/delete", {}),
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
      `/api/admin/jobs/${id}/delete`,
      `/api/admin/runs/${id}/delete`,
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

  it("takes numbers strictly, hidden widths flat and the body as an object, and queues nothing else", async () => {
    const before = await db.prisma.job.count();
    const cases: Array<[unknown, string]> = [
      [{ epochs: "0x10" }, "epochs"],
      [{ epochs: "1e2" }, "epochs"],
      [{ epochs: " 16" }, "epochs"],
      [{ hidden: [[4]] }, "hidden"],
      [{ hidden: [true] }, "hidden"],
      [{ name: "nul\u0000name" }, "name"],
      [{ notes: "escape \u001b[31m" }, "notes"],
    ];
    for (const [body, field] of cases) {
      const res = await post("/api/admin/jobs", body, asAdmin());
      expect(res.status, JSON.stringify(body)).toBe(400);
      const answer = (await res.json()) as { fieldErrors: Record<string, string[]> };
      expect(Object.keys(answer.fieldErrors)).toEqual([field]);
    }
    const nameError = (await (await post("/api/admin/jobs", { name: "a\u0000b" }, asAdmin())).json()) as {
      fieldErrors: { name: string[] };
    };
    expect(nameError.fieldErrors.name).toEqual(["name must not contain control characters (U+0000 at character 2)"]);
    for (const body of ["null", "[]", '"epochs"', "16"]) {
      const res = await post("/api/admin/jobs", body, asAdmin());
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { formErrors: string[] }).formErrors[0]).toMatch(/must be a JSON object/);
    }
    const deep = `{"hidden":${"[".repeat(20_000)}4${"]".repeat(20_000)}}`;
    const deepRes = await post("/api/admin/jobs", deep, asAdmin());
    expect(deepRes.status).toBe(400);
    expect(((await deepRes.json()) as { error: string }).error).toBe(
      "the body nests arrays or objects more than 8 levels deep",
    );
    expect(await db.prisma.job.count()).toBe(before);
  });

  it("refuses a job over the cost limits with the estimate and the limit, and queues a sweep as a whole", async () => {
    const before = await db.prisma.job.count();
    const huge = await post(
      "/api/admin/jobs",
      { hidden: "4096,4096,4096,4096,4096,4096,4096,4096", epochs: 500, batchSize: 1, probeSize: 10_000 },
      asAdmin(),
    );
    expect(huge.status).toBe(400);
    const answer = (await huge.json()) as { error: string; limits: { maxStorageBytes: number } };
    expect(answer.error).toMatch(/would store an estimated 6\d\d GB, over the server's limit of 5\.00 GB/);
    expect(answer.error).toMatch(/would train for an estimated \d+ h \d\d min, over the server's limit of 6 h 00 min/);
    expect(answer.limits.maxStorageBytes).toBe(5e9);
    expect(await db.prisma.job.count()).toBe(before);
    const small = { hidden: "16", epochs: 1, trainSize: 1000, testSize: 500, probeSize: 50 };
    const sweep = await post("/api/admin/jobs", { jobs: [small, { ...small, hidden: [32] }] }, asAdmin());
    expect(sweep.status).toBe(201);
    const { jobIds } = (await sweep.json()) as { jobIds: number[] };
    expect(jobIds).toHaveLength(2);
    for (const id of jobIds) expect((await post(`/api/admin/jobs/${id}/cancel`, {}, asAdmin())).status).toBe(200);
  });

  it("deletes a finished job and a run with everything recorded for it, reporting the bytes freed", async () => {
    const queued = (await (
      await post(
        "/api/admin/jobs",
        { hidden: "16", epochs: 1, trainSize: 1000, testSize: 500, probeSize: 50 },
        asAdmin(),
      )
    ).json()) as { jobId: number };
    // A queued job is cancelled and deleted at once.
    const gone = await post(`/api/admin/jobs/${queued.jobId}/delete`, {}, asAdmin());
    expect(gone.status).toBe(200);
    expect(await gone.json()).toMatchObject({ outcome: "deleted", jobId: queued.jobId });
    expect(await db.prisma.job.count({ where: { id: queued.jobId } })).toBe(0);

    const runId = await insertRun(db, { status: "succeeded" });
    db.sqlite
      .prepare(
        "INSERT INTO Embedding (runId, subset, epoch, layerIndex, layerName, rows, cols, data) VALUES (?, 'probe', 1, 0, 'dense_1', 1000, 1000, ?)",
      )
      .run(runId, Buffer.alloc(4_000_000));
    const listed = (await (
      await fetch(`${server.url}/api/admin/jobs`, { headers: { cookie: admin.cookie } })
    ).json()) as { runs: Array<{ id: number; bytes: number }>; storage: { autoVacuum: string } };
    expect(listed.runs.find((r) => r.id === runId)?.bytes).toBe(4_000_000);
    expect(listed.storage.autoVacuum).toBe("incremental");
    const res = await post(`/api/admin/runs/${runId}/delete`, {}, asAdmin());
    expect(res.status).toBe(200);
    const deleted = (await res.json()) as { outcome: string; freedBytes: number };
    expect(deleted.outcome).toBe("deleted");
    expect(deleted.freedBytes).toBeGreaterThan(3_900_000);
    expect(await db.prisma.embedding.count({ where: { runId } })).toBe(0);
    expect((await post(`/api/admin/runs/${runId}/delete`, {}, asAdmin())).status).toBe(404);
    // The server returns the pages after its answer, in steps.
    await expect.poll(() => Number(db.sqlite.pragma("freelist_count", { simple: true })), { timeout: 20_000 }).toBe(0);
  });

  it("sends the browser after login only to same-origin paths, whatever the encoding (never a 500)", async () => {
    const cases: Array<[string, string]> = [
      ["/runs/1?tab=errors", "/runs/1?tab=errors"],
      ["/%09/evil.example", "/"],
      ["//evil.example", "/"],
      ["/%5Cevil.example", "/"],
      ["/%0A%0Dset-cookie:%20x=1", "/"],
      ["https://evil.example", "/"],
    ];
    for (const [next, location] of cases) {
      const res = await fetch(`${server.url}/login?next=${next}`, {
        headers: { cookie: admin.cookie },
        redirect: "manual",
      });
      expect([303, 307], next).toContain(res.status);
      expect(new URL(res.headers.get("location")!, server.url).href, next).toBe(new URL(location, server.url).href);
    }
  });

  it("refuses the address that guessed wrong, by its socket, and never a correct password from another one", async () => {
    const answers = await guessUntilRefused(server.url, "127.0.0.2");
    // The first 3 wrong passwords cost nothing; the backoff then refuses the address with 429 and Retry-After.
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([401, 401, 401, 401]);
    const refused = answers.at(-1)!;
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    // Headers a client can set do not change who it is: 127.0.0.2 stays refused, the right password included.
    const forgeries: Array<Record<string, string>> = [
      { "x-mnist-lens-peer": "127.0.0.9" },
      { "x-forwarded-for": "127.0.0.9" },
      { "X-Mnist-Lens-Peer": "127.0.0.9", "X-Forwarded-For": "127.0.0.9, 127.0.0.3" },
    ];
    for (const forged of forgeries) {
      const answer = await loginFrom(server.url, "127.0.0.2", PASSWORD, forged);
      expect(answer.status, JSON.stringify(forged)).toBe(429);
      expect(answer.setCookie).toBeUndefined();
    }
    // Another address gets in with the right password, even when it claims to be the refused one.
    const admin = await loginFrom(server.url, "127.0.0.3", PASSWORD);
    expect(admin.status).toBe(200);
    expect(admin.setCookie?.[0]).toMatch(/^mnist_lens_admin=/);
    expect((await loginFrom(server.url, "127.0.0.4", PASSWORD, { "x-mnist-lens-peer": "127.0.0.2" })).status).toBe(200);
  });
});

describe("the login limiter behind a trusted proxy", () => {
  let db: TestDb;
  let server: AppServer;
  const login = (password: string, forwardedFor: string) =>
    fetch(`${server.url}/api/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "x-forwarded-for": forwardedFor },
      body: JSON.stringify({ password }),
    });

  beforeAll(async () => {
    db = createTestDb();
    server = await startAppServer(db.file, { ADMIN_PASSWORD: PASSWORD, TRUSTED_PROXIES: "127.0.0.1" });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
  });

  it("backs off the address that guessed wrong, and lets every other address in with the right password", async () => {
    const attacker = "203.0.113.5";
    for (let i = 0; i < 4; i++) expect((await login(`wrong-${i}`, attacker)).status).toBe(401);
    const limited = await login("wrong-4", attacker);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBe(1);
    // Prepending another address does not help: the proxy's own entry (the last) is the one believed.
    expect((await login(PASSWORD, `198.51.100.7, ${attacker}`)).status).toBe(429);
    // The admin, elsewhere, is never refused the right password.
    const admin = await login(PASSWORD, "198.51.100.7");
    expect(admin.status).toBe(200);
    expect(admin.headers.get("set-cookie")).toMatch(/^mnist_lens_admin=/);
    // A peer that is not a trusted proxy is the client: its X-Forwarded-For is not read at all.
    expect((await loginFrom(server.url, "127.0.0.5", PASSWORD, { "x-forwarded-for": attacker })).status).toBe(200);
    const direct = await guessUntilRefused(server.url, "127.0.0.6");
    expect(direct.at(-1)!.status).toBe(429);
    expect((await loginFrom(server.url, "127.0.0.1", PASSWORD, { "x-forwarded-for": "198.51.100.8" })).status).toBe(
      200,
    );
  });
});

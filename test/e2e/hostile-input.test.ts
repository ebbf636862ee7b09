import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { seedTwoRuns } from "../helpers/seed-runs";
import { enumerateRoutes, fillPattern, type AppRoute } from "./hostile-routes";

const PASSWORD = "hostile-admin-password-12";
/** Inputs per route and method (HOSTILE_RUNS overrides; docs/benchmarks.md records the run). */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 50);
/** Bodies sent to the job API. */
const BODY_RUNS = Number(process.env.HOSTILE_BODY_RUNS ?? 300);
/** Routes requested at once (each route's inputs go one after another). */
const PARALLEL = 3;
/** Put in inputs: an HTML answer holding it unescaped would be injectable markup. */
const MARKER = "<x-hostile>";
const SEED = Number(process.env.HOSTILE_SEED ?? 20261202);

/** Query parameter names the pages and routes read, and random ones. */
const KEYS = [
  "run",
  "runs",
  "epoch",
  "iter",
  "iteration",
  "layer",
  "method",
  "metric",
  "page",
  "pred",
  "true",
  "sort",
  "subset",
  "classes",
  "set",
  "row",
  "k",
  "next",
];

/** A URL component, already encoded: real ids, limits, encodings (valid and not), markup, random text. */
function component(realIds: string[]): fc.Arbitrary<string> {
  const limits = [
    "0",
    "-1",
    "1",
    "2147483647",
    "2147483648",
    "4294967296",
    "9007199254740993",
    "1e309",
    "-0",
    "NaN",
    "Infinity",
    "0x10",
    "1e2",
    "1.5",
    " 1",
    "4-9",
    "9-4",
    "4-4",
    "pixels",
    "probe",
    "test",
    "tsne",
    "pca",
    "none",
  ];
  const rawEncodings = [
    "%25",
    "%2525",
    "%",
    "%E0%A4%A",
    "%C0%AF",
    "%FF",
    "%00",
    "%0A",
    "%0D%0ASet-Cookie:x=1",
    "%2e%2e",
    "..",
    "%2F",
    "%5C",
    "%u0041",
    "%EF%BF%BD",
  ];
  const bytes = fc
    .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 })
    .map((b) => b.map((x) => `%${x.toString(16).padStart(2, "0").toUpperCase()}`).join(""));
  return fc.oneof(
    { arbitrary: fc.constantFrom(...realIds), weight: 3 },
    { arbitrary: fc.constantFrom(...limits), weight: 3 },
    { arbitrary: fc.constantFrom(...rawEncodings), weight: 2 },
    { arbitrary: fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).map(String), weight: 1 },
    { arbitrary: fc.double().map(String), weight: 1 },
    { arbitrary: bytes, weight: 1 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 40 }).map(encodeURIComponent), weight: 2 },
    { arbitrary: fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(`${s}${MARKER}${s}`)), weight: 2 },
    { arbitrary: fc.string({ unit: "binary", minLength: 500, maxLength: 4000 }).map(encodeURIComponent), weight: 1 },
  );
}

/** A query every route accepts (each reads the keys it knows), so one hostile value among them gets past the others. */
function validQuery(realIds: string[]): Record<string, string> {
  const [a = "1", b = "2"] = realIds;
  return {
    subset: "test",
    layer: "0",
    method: "pca",
    epoch: "1",
    iteration: "0",
    iter: "0",
    row: "0",
    k: "5",
    set: "errors",
    run: a,
    runs: `${a},${b}`,
    classes: "4,9",
    sort: "index",
    page: "1",
    true: "4",
    pred: "9",
    metric: "knn",
  };
}

function query(realIds: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...KEYS), weight: 4 },
    { arbitrary: fc.string({ maxLength: 12 }).map(encodeURIComponent), weight: 1 },
  );
  const base = validQuery(realIds);
  const random = fc
    .array(fc.tuple(key, component(realIds)), { maxLength: 6 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));
  const oneHostile = fc.tuple(fc.constantFrom(...Object.keys(base)), component(realIds)).map(
    ([hostile, value]) =>
      `?${Object.entries(base)
        .map(([k, v]) => `${k}=${k === hostile ? value : v}`)
        .join("&")}`,
  );
  return fc.oneof(random, oneHostile);
}

/** A job API body: random JSON, the form's fields with hostile values, nesting, and bodies that are not objects. */
function jobBody(): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.integer(),
    fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53, Number.MAX_VALUE, 1e-300, 0.5),
    fc.constantFrom("0x10", "1e2", "16", " 16", "16abc", "", "\u0000", MARKER, "Infinity", "NaN", "-0"),
    fc.string({ maxLength: 30 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.string({ maxLength: 4 })), { maxLength: 10 }),
    fc.integer({ min: 1, max: 60 }).map((depth) => JSON.parse("[".repeat(depth) + "4" + "]".repeat(depth)) as unknown),
  );
  const fields = fc.record(
    {
      name: fc.oneof(fc.string({ maxLength: 80 }), fc.constant(MARKER), value),
      notes: fc.oneof(fc.string({ maxLength: 200 }), value),
      architecture: fc.oneof(fc.constantFrom("mlp", "cnn", "MLP", ""), value),
      hidden: value,
      epochs: value,
      batchSize: value,
      learningRate: value,
      optimizer: value,
      trainSize: value,
      testSize: value,
      probeSize: value,
      seed: value,
      validationSplit: value,
      dropout: value,
      count: value,
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { arbitrary: fields.map((f) => JSON.stringify(f)), weight: 5 },
    { arbitrary: fc.jsonValue({ maxDepth: 8 }).map((v) => JSON.stringify(v)), weight: 2 },
    { arbitrary: fc.constantFrom("null", "[]", '""', "0", "{", "{}}", "", "\u0000", "{'a':1}"), weight: 1 },
    { arbitrary: fc.string({ maxLength: 100 }), weight: 1 },
  );
}

interface Tally {
  route: string;
  requests: number;
  statuses: Map<number, number>;
  ms: number;
}

describe("the hostile-input suite (fast-check over every route of app/)", () => {
  let db: TestDb;
  let server: AppServer;
  let realIds: string[];
  let admin: { cookie: string; csrfToken: string };
  const routes = enumerateRoutes(path.resolve("app"));
  const tallies: Tally[] = [];

  beforeAll(async () => {
    db = createTestDb();
    const { runA, runB } = await seedTwoRuns(db);
    realIds = [String(runA), String(runB), "0", "4-9", "1"];
    server = await startAppServer(db.file, { ADMIN_PASSWORD: PASSWORD });
    const login = await fetch(`${server.url}/api/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    admin = {
      cookie: login.headers.get("set-cookie")!.split(";")[0]!,
      csrfToken: ((await login.json()) as { csrfToken: string }).csrfToken,
    };
  });
  afterAll(async () => {
    const total = tallies.reduce((s, t) => s + t.requests, 0);
    for (const t of tallies)
      console.log(
        `${t.route.padEnd(48)} ${String(t.requests).padStart(4)} inputs ${(t.ms / 1000).toFixed(1).padStart(5)} s  ` +
          [...t.statuses].map(([s, n]) => `${s}×${n}`).join(" "),
      );
    console.log(`hostile-input: ${total} requests over ${tallies.length} route methods`);
    await server?.stop();
    await db?.cleanup();
  });

  const jobCount = () => (db.sqlite.prepare("SELECT count(*) AS n FROM Job").get() as { n: number }).n;

  /** Sends one request and checks the answer into `failures`; returns the status. */
  async function send(
    label: string,
    url: string,
    init: RequestInit,
    tally: Tally,
    failures: string[],
  ): Promise<number> {
    const res = await fetch(server.url + url, { ...init, redirect: "manual" });
    const body = await res.text();
    tally.requests++;
    tally.statuses.set(res.status, (tally.statuses.get(res.status) ?? 0) + 1);
    // 503 is an answer only with Retry-After (admin disabled, database busy); any other 5xx is a failure.
    const documented503 = res.status === 503 && res.headers.get("retry-after") !== null;
    if (res.status >= 500 && !documented503) failures.push(`${label} ${url} → ${res.status}: ${body.slice(0, 200)}`);
    if ((res.headers.get("content-type") ?? "").includes("text/html") && body.includes(MARKER))
      failures.push(`${label} ${url}: unescaped markup in the HTML answer`);
    return res.status;
  }

  it("finds the pages and route handlers of app/ with their dynamic segments", () => {
    const patterns = routes.map((r) => `${r.kind} ${r.pattern}`);
    expect(patterns).toContain("page /runs/[id]/digits/[index]");
    expect(patterns).toContain("handler /api/pairs/[pair]/pixels");
    expect(routes.find((r) => r.pattern === "/api/admin/jobs")?.methods).toEqual(["GET", "POST"]);
    expect(routes.length).toBeGreaterThanOrEqual(20);
  });

  it("no path or query of any route answers 500, and no HTML answer holds unescaped markup", async () => {
    const failures: string[] = [];
    const work = routes.flatMap((route) => route.methods.map((method) => ({ route, method })));
    const runOne = async ({ route, method }: { route: AppRoute; method: string }) => {
      const label = `${method} ${route.pattern}`;
      const tally: Tally = { route: label, requests: 0, statuses: new Map(), ms: 0 };
      tallies.push(tally);
      const started = performance.now();
      // Logging out would end the session the other routes use: it is sent without the CSRF token.
      const csrf: Record<string, string> = route.pattern.endsWith("/logout") ? {} : { "x-csrf-token": admin.csrfToken };
      await fc.assert(
        fc.asyncProperty(
          fc.array(component(realIds), { minLength: route.params.length, maxLength: route.params.length }),
          query(realIds),
          fc.boolean(),
          fc.string({ maxLength: 60 }),
          async (values, search, asAdmin, body) => {
            const url = fillPattern(route.pattern, values) + search;
            const headers: Record<string, string> = asAdmin ? { cookie: admin.cookie, ...csrf } : {};
            const init: RequestInit =
              method === "GET"
                ? { headers }
                : { method, headers: { ...headers, "Content-Type": "application/json" }, body };
            const before = route.pattern === "/api/admin/jobs" && method === "POST" ? jobCount() : null;
            const status = await send(label, url, init, tally, failures);
            if (before !== null && status !== 201 && jobCount() !== before)
              failures.push(`${label} ${url}: answered ${status} yet queued a job`);
          },
        ),
        { numRuns: RUNS, seed: SEED },
      );
      tally.ms = performance.now() - started;
    };
    const queue = [...work];
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        for (let item = queue.shift(); item; item = queue.shift()) await runOne(item);
      }),
    );
    expect(failures).toEqual([]);
  }, 600_000);

  it("no job API body answers 500 or queues a job unless it is accepted (201)", async () => {
    const failures: string[] = [];
    const tally: Tally = { route: "POST /api/admin/jobs (bodies)", requests: 0, statuses: new Map(), ms: 0 };
    tallies.push(tally);
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        jobBody(),
        fc.oneof(
          { arbitrary: fc.constant("application/json"), weight: 8 },
          { arbitrary: fc.constantFrom("text/plain", "", "application/json; charset=utf-16"), weight: 1 },
        ),
        async (body, type) => {
          const before = jobCount();
          const status = await send(
            "job body",
            "/api/admin/jobs",
            {
              method: "POST",
              headers: {
                cookie: admin.cookie,
                "x-csrf-token": admin.csrfToken,
                ...(type ? { "Content-Type": type } : {}),
              },
              body,
            },
            tally,
            failures,
          );
          const after = jobCount();
          if (status === 201 ? after !== before + 1 : after !== before)
            failures.push(`job body ${body.slice(0, 120)} → ${status}, jobs ${before} → ${after}`);
        },
      ),
      { numRuns: BODY_RUNS, seed: SEED },
    );
    tally.ms = performance.now() - started;
    expect(failures).toEqual([]);
  }, 300_000);
});
